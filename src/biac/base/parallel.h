#pragma once

// A fixed gang of threads that runs a set of independent tasks at once.
//
// ParallelFor(n) owns n - 1 worker threads; Run(count, task) calls task(i) once for every i
// in [0, count), on the workers and on the calling thread together, and returns when every
// call has returned. The calling thread takes tasks too, so a worker that is slow to wake
// (its core busy with another thread) never holds a Run up: in the worst case the caller
// runs every task itself, as without the gang. Tasks must not call Run on the same gang.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace biac {

class ParallelFor {
 public:
  // `threads`: the calling thread and threads - 1 workers (at least 1 in all); `name`: the
  // workers' thread name (NameThisThread).
  ParallelFor(int threads, std::string name);
  ~ParallelFor();
  ParallelFor(const ParallelFor&) = delete;
  ParallelFor& operator=(const ParallelFor&) = delete;

  void Run(size_t count, const std::function<void(size_t)>& task);

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

 private:
  void WorkerLoop();
  // Claims and runs tasks of the current Run until none is left.
  void Drain();

  std::mutex mutex_;
  std::condition_variable work_;  // a new Run, or stopping
  std::condition_variable done_;  // the last task returned, or a worker left Drain
  uint64_t generation_ = 0;
  bool stopping_ = false;
  int busy_ = 0;  // workers inside Drain
  const std::function<void(size_t)>* task_ = nullptr;
  size_t count_ = 0;
  std::atomic<size_t> next_{0};
  std::atomic<size_t> remaining_{0};
  std::vector<std::thread> workers_;
};

}  // namespace biac
