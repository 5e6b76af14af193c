// A small persistent thread pool for the native kernels (docs/ARCHITECTURE.md §3, "Native kernels").
// ParallelFor(n, f) runs f(0..n-1) on the calling thread plus the workers and returns when every
// task is done. Tasks are claimed from a shared counter, so the caller never waits for a worker
// that has not been scheduled yet (on a busy machine it simply runs the tasks itself); it waits
// only for tasks a worker has already started. One job at a time: N-API calls arrive on the JS
// thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ppma {

class Pool {
 public:
  static Pool& Get();
  // Total threads including the caller (>= 1). Starts or stops workers as needed.
  void SetThreads(int n);
  int Threads() const { return threads_; }
  void ParallelFor(int n, const std::function<void(int)>& f);

 private:
  struct Job {
    const std::function<void(int)>* task = nullptr;
    int n = 0;
    std::atomic<int> next{0};
    std::atomic<int> done{0};
  };

  Pool() = default;
  void Stop();
  void Work();
  static void Run(Job& job);

  int threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::shared_ptr<Job> job_;
  long generation_ = 0;
  bool stop_ = false;
};

// Splits [0, n) into about `parts` contiguous chunks of at least `min_chunk` and runs f(begin, end).
void ParallelRange(long n, long min_chunk, const std::function<void(long, long)>& f);

}  // namespace ppma
