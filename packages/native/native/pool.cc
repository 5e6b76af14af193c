// Thread pool of the native kernels (see pool.h).
#include "pool.h"

#include <algorithm>

namespace ppma {

Pool& Pool::Get() {
  static Pool* pool = new Pool();  // never destroyed: workers may outlive static destructors
  return *pool;
}

void Pool::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  stop_ = false;
}

void Pool::SetThreads(int n) {
  if (n < 1) n = 1;
  if (n == threads_) return;
  Stop();
  threads_ = n;
  for (int i = 1; i < n; ++i) workers_.emplace_back([this] { Work(); });
}

void Pool::Run(Job& job) {
  for (;;) {
    const int i = job.next.fetch_add(1);
    if (i >= job.n) return;
    (*job.task)(i);
    job.done.fetch_add(1, std::memory_order_release);
  }
}

void Pool::Work() {
  long seen = 0;
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      job = job_;
    }
    // A late worker finds every task of its job claimed and goes back to sleep.
    if (job) Run(*job);
  }
}

void Pool::ParallelFor(int n, const std::function<void(int)>& f) {
  if (n <= 0) return;
  if (threads_ == 1 || n == 1) {
    for (int i = 0; i < n; ++i) f(i);
    return;
  }
  auto job = std::make_shared<Job>();
  job->task = &f;
  job->n = n;
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = job;
    ++generation_;
  }
  wake_.notify_all();
  Run(*job);
  // Only tasks a worker has claimed remain; they are running now.
  while (job->done.load(std::memory_order_acquire) < n) std::this_thread::yield();
  std::lock_guard<std::mutex> lock(mu_);
  if (job_ == job) job_.reset();
}

void ParallelRange(long n, long min_chunk, const std::function<void(long, long)>& f) {
  Pool& pool = Pool::Get();
  long parts = std::min<long>(pool.Threads(), std::max<long>(1, n / std::max<long>(1, min_chunk)));
  if (parts <= 1) {
    f(0, n);
    return;
  }
  long chunk = (n + parts - 1) / parts;
  pool.ParallelFor(static_cast<int>(parts), [&](int i) {
    long b = i * chunk, e = std::min(n, b + chunk);
    if (b < e) f(b, e);
  });
}

}  // namespace ppma
