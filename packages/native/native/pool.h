// A small persistent thread pool for the native kernels (docs/ARCHITECTURE.md §3, "Native kernels").
// ParallelFor(n, f) runs f(0..n-1) on the calling thread plus the workers and returns when all are
// done. One job at a time: N-API calls arrive on the JS thread, so there is never a second caller.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
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
  Pool() = default;
  ~Pool();
  void Stop();
  void Work();
  void RunTasks();

  int threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* task_ = nullptr;
  int n_tasks_ = 0;
  std::atomic<int> next_{0};
  int busy_ = 0;
  long generation_ = 0;
  bool stop_ = false;
};

// Splits [0, n) into about `parts` contiguous chunks of at least `min_chunk` and runs f(begin, end).
void ParallelRange(long n, long min_chunk, const std::function<void(long, long)>& f);

}  // namespace ppma
