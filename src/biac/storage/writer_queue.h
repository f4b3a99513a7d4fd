#pragma once

// The one writer of a Store (store.h "Threading contract"; docs/storage.md "Threads, queue
// and acknowledgement"), shared by the SQLite and the PostgreSQL backends. It owns the
// bounded queue of encoded rows with its back-pressure, the replacement of a queued picture
// by a newer one of its view, the small tasks run ahead of the bulk work, the batching of
// bulk work into transactions (commit_interval / max_batch), the retry of a failed commit
// with back-off, the acknowledgement watermark and the StoreStats of all this. A backend
// supplies only the transaction itself (WriterBackend): begin it, apply the items taken,
// commit it, or roll it back.
//
// Threads: Enqueue, RunTask, Flush, WaitCommitted, committed_observation_id and stats may be
// called from any thread. Every WriterBackend call and every task runs on the writer thread,
// one at a time, so a backend's writer state needs no lock of its own.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "biac/base/status.h"
#include "biac/base/thread.h"
#include "biac/base/time.h"
#include "biac/storage/store.h"

namespace biac::storage {

// The encoded rows of one AppendObservations or PutPicture call, in a backend's own form (a
// backend derives its batch types from it).
class WriterWork {
 public:
  virtual ~WriterWork();
  // Called (under the queue's lock) when this picture replaces `older`, a queued picture of
  // the same view not taken by the writer yet; returns this item's rows after it. A backend
  // whose pictures are incremental (only what changed since the previous PutPicture) takes
  // over what `older` changed and this one only keeps. By default a picture is a whole
  // snapshot: nothing to take, `rows` unchanged.
  virtual size_t Supersede(WriterWork& older, size_t rows);
};

// One queued call: what the queue needs to know of it, and the backend's encoded work.
struct WriterItem {
  enum class Kind : uint8_t { kObservations, kPicture };

  static WriterItem Observations(std::unique_ptr<WriterWork> work, size_t rows, uint64_t max_id);
  static WriterItem Picture(std::string view, std::unique_ptr<WriterWork> work, size_t rows);

  // The backend's work, as the type it queued for this kind.
  template <typename T>
  const T& As() const {
    return static_cast<const T&>(*work);
  }

  Kind kind = Kind::kObservations;
  size_t rows = 0;      // counted against queue_limit (an empty picture counts one)
  uint64_t max_id = 0;  // kObservations: the highest observation id in it
  std::string view;     // kPicture: its view; a newer picture of the view replaces it queued
  std::unique_ptr<WriterWork> work;
  uint64_t seq = 0;  // queue order, assigned by Enqueue
};

// The transaction of one backend. The writer calls, for each bulk transaction: Begin, then
// Apply once per round with the items taken in that round (in queue order; never empty),
// then Commit with the highest observation id of all the transaction's items (0 when it has
// none). When any of them fails it calls Abort, puts the items back at the front of the
// queue and retries them later (in a new transaction, with Begin again). The items of a
// transaction, and the WriterWork they hold, stay alive and in place until after its Commit
// or Abort returns, so a backend may keep views into them until then.
class WriterBackend {
 public:
  virtual ~WriterBackend();

  virtual Status Begin() = 0;
  virtual Status Apply(std::span<const WriterItem> items) = 0;
  virtual Status Commit(uint64_t max_observation_id) = 0;
  // Rolls back what Begin/Apply/Commit left open and forgets writer caches of rolled-back
  // changes.
  virtual void Abort() = 0;
  // Called every WriterQueueOptions::periodic_interval, between transactions and tasks.
  virtual void Periodic() {}
  // true: the backend has work of its own (the SQLite store's chunked retention) for a bulk
  // transaction even with nothing queued; such a transaction ends as soon as the queue is
  // idle, and Commit does that work.
  virtual bool HasOwnWork() const { return false; }
};

struct WriterQueueOptions {
  std::string where;  // names the store in errors: "<where>: store is closing"
  Duration commit_interval = std::chrono::milliseconds(50);
  size_t max_batch = 50000;     // rows per transaction at most
  size_t queue_limit = 500000;  // rows queued; Enqueue blocks beyond it
  Duration periodic_interval = std::chrono::seconds(60);
  ThreadPriority writer_priority = ThreadPriority::kNormal;  // the writer thread's (base/thread.h)
};

class WriterQueue {
 public:
  explicit WriterQueue(WriterQueueOptions options);
  ~WriterQueue();  // Stop()
  WriterQueue(const WriterQueue&) = delete;
  WriterQueue& operator=(const WriterQueue&) = delete;

  // Starts the writer thread; the watermark starts at `committed_id` (the highest id already
  // stored). `backend` must outlive Stop().
  void Start(WriterBackend& backend, uint64_t committed_id);
  // Commits everything queued and joins the writer. When commits keep failing it gives up
  // after kStopRetries more failures: what is left is abandoned (queue_depth drops to 0,
  // failed_commits and last_error tell). Idempotent; the owner of the backend calls it before
  // the backend's state goes away.
  void Stop();

  // Queues `item`, blocking while the queue holds queue_limit rows or more (back-pressure:
  // an item larger than the limit is admitted into a queue below it, so it cannot wait
  // forever). A picture replaces the queued picture of its view that no transaction has
  // taken yet, keeping that one's place in the queue (StoreStats::superseded_pictures).
  void Enqueue(WriterItem item);

  // Runs `task` on the writer thread ahead of the queued bulk work and returns its result;
  // Unavailable when the queue is stopping. The task manages its own transaction.
  Status RunTask(std::function<Status()> task);

  // The highest observation id committed such that every id queued before it is committed.
  uint64_t committed_observation_id() const { return committed_id_.load(); }
  bool WaitCommitted(uint64_t id, Duration timeout);
  // Waits until everything queued before the call is committed; the last error when a
  // commit fails meanwhile, Unavailable when the queue stops first.
  Status Flush();
  StoreStats stats() const;
  // Records an error of the backend's own writer work (shown as StoreStats::last_error).
  void ReportError(std::string message);
  // Tasks waiting for the writer (diagnostics and tests).
  size_t waiting_tasks() const;

 private:
  struct Task {
    std::function<Status()> run;
    Status result;
    bool done = false;
  };

  void Run();
  void RunTasks();
  bool CommitBatch();
  WriterItem* QueuedPictureOf(const WriterItem& item);

  const WriterQueueOptions options_;
  WriterBackend* backend_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;       // writer: work arrived or stop
  std::condition_variable space_cv_;      // producers: queue below its limit
  std::condition_variable committed_cv_;  // waiters: a commit, a task or a failure happened
  std::deque<WriterItem> items_;
  std::deque<Task*> tasks_;
  size_t queued_rows_ = 0;
  uint64_t enqueued_seq_ = 0;
  uint64_t committed_seq_ = 0;
  std::atomic<uint64_t> committed_id_{0};
  StoreStats stats_;
  bool stop_ = false;
  std::thread thread_;

  // Writer-thread state.
  Duration retry_delay_;
  int stop_failures_ = 0;
};

}  // namespace biac::storage
