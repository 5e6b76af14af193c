// Thread pool of the native kernels (see pool.h).
#include "pool.h"

#include <algorithm>

namespace ppma {

Pool& Pool::Get() {
  static Pool* pool = new Pool();  // never destroyed: workers may outlive static destructors
  return *pool;
}

Pool::~Pool() { Stop(); }

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

void Pool::RunTasks() {
  for (;;) {
    int i = next_.fetch_add(1);
    if (i >= n_tasks_) break;
    (*task_)(i);
  }
}

void Pool::Work() {
  long seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    RunTasks();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--busy_ == 0) done_.notify_one();
    }
  }
}

void Pool::ParallelFor(int n, const std::function<void(int)>& f) {
  if (n <= 0) return;
  if (threads_ == 1 || n == 1) {
    for (int i = 0; i < n; ++i) f(i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    task_ = &f;
    n_tasks_ = n;
    next_.store(0);
    busy_ = static_cast<int>(workers_.size());
    ++generation_;
  }
  wake_.notify_all();
  RunTasks();
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [&] { return busy_ == 0; });
  task_ = nullptr;
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
