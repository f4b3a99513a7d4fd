#include "biac/base/parallel.h"

#include <utility>

#include "biac/base/thread.h"

namespace biac {

ParallelFor::ParallelFor(int threads, std::string name) {
  for (int i = 1; i < threads; ++i) {
    workers_.emplace_back([this, name] {
      NameThisThread(name);
      WorkerLoop();
    });
  }
}

ParallelFor::~ParallelFor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ParallelFor::Drain() {
  while (true) {
    const size_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= count_) return;
    (*task_)(i);
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard lock(mutex_);
      done_.notify_all();
    }
  }
}

void ParallelFor::WorkerLoop() {
  uint64_t seen = 0;
  std::unique_lock lock(mutex_);
  while (true) {
    work_.wait(lock, [&] { return stopping_ || generation_ != seen; });
    if (stopping_) return;
    seen = generation_;
    ++busy_;
    lock.unlock();
    Drain();
    lock.lock();
    if (--busy_ == 0) done_.notify_all();
  }
}

void ParallelFor::Run(size_t count, const std::function<void(size_t)>& task) {
  if (count == 0) return;
  if (workers_.empty() || count == 1) {
    for (size_t i = 0; i < count; ++i) task(i);
    return;
  }
  {
    std::unique_lock lock(mutex_);
    // A worker still inside the previous Run's Drain (it found no task left) reads count_
    // and next_: they change only once it has left.
    done_.wait(lock, [&] { return busy_ == 0; });
    task_ = &task;
    count_ = count;
    next_.store(0, std::memory_order_relaxed);
    remaining_.store(count, std::memory_order_relaxed);
    ++generation_;
  }
  work_.notify_all();
  Drain();
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return remaining_.load(std::memory_order_acquire) == 0; });
}

}  // namespace biac
