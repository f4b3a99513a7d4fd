#include "biac/storage/writer_queue.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "biac/base/thread.h"

namespace biac::storage {
namespace {

// A failed commit is retried after a back-off doubling from kFirstRetryDelay to
// kMaxRetryDelay (docs/storage.md "Failures").
constexpr Duration kFirstRetryDelay = std::chrono::milliseconds(10);
constexpr Duration kMaxRetryDelay = std::chrono::seconds(1);
constexpr int kStopRetries = 3;  // failed commits tolerated while stopping before giving up

}  // namespace

WriterWork::~WriterWork() = default;
size_t WriterWork::Supersede(WriterWork& /*older*/, size_t rows) { return rows; }
WriterBackend::~WriterBackend() = default;

WriterItem WriterItem::Observations(std::unique_ptr<WriterWork> work, size_t rows,
                                    uint64_t max_id) {
  WriterItem item;
  item.kind = Kind::kObservations;
  item.rows = rows;
  item.max_id = max_id;
  item.work = std::move(work);
  return item;
}

WriterItem WriterItem::Picture(std::string view, std::unique_ptr<WriterWork> work, size_t rows) {
  WriterItem item;
  item.kind = Kind::kPicture;
  item.rows = rows;
  item.view = std::move(view);
  item.work = std::move(work);
  return item;
}

WriterQueue::WriterQueue(WriterQueueOptions options)
    : options_(std::move(options)), retry_delay_(kFirstRetryDelay) {}

WriterQueue::~WriterQueue() { Stop(); }

void WriterQueue::Start(WriterBackend& backend, uint64_t committed_id) {
  backend_ = &backend;
  committed_id_.store(committed_id);
  thread_ = std::thread([this] { Run(); });
}

void WriterQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  space_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WriterQueue::Enqueue(WriterItem item) {
  {
    std::unique_lock lock(mu_);
    space_cv_.wait(lock, [&] { return queued_rows_ < options_.queue_limit || stop_; });
    stats_.queued += item.rows;
    if (WriterItem* older = QueuedPictureOf(item)) {
      // A picture is a snapshot: a newer one of the same view replaces the one still
      // waiting (the writer is behind), so a slow disk thins the pictures out instead of
      // holding the producers back. Observations are never replaced.
      const size_t rows = item.work->Supersede(*older->work, item.rows);
      stats_.queued += rows - item.rows;
      queued_rows_ = queued_rows_ - older->rows + rows;
      older->work = std::move(item.work);
      older->rows = rows;
      ++stats_.superseded_pictures;
    } else {
      item.seq = ++enqueued_seq_;
      queued_rows_ += item.rows;
      items_.push_back(std::move(item));
    }
  }
  work_cv_.notify_one();
}

// The queued picture of the same view as `item` that the writer has not taken yet, if any.
WriterItem* WriterQueue::QueuedPictureOf(const WriterItem& item) {
  if (item.kind != WriterItem::Kind::kPicture) return nullptr;
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    if (it->kind == WriterItem::Kind::kPicture && it->view == item.view) return &*it;
  }
  return nullptr;
}

Status WriterQueue::RunTask(std::function<Status()> run) {
  Task task;
  task.run = std::move(run);
  std::unique_lock lock(mu_);
  if (stop_) return Unavailable(options_.where + ": store is closing");
  tasks_.push_back(&task);
  work_cv_.notify_one();
  committed_cv_.wait(lock, [&] { return task.done; });
  return task.result;
}

bool WriterQueue::WaitCommitted(uint64_t id, Duration timeout) {
  std::unique_lock lock(mu_);
  return committed_cv_.wait_for(lock, timeout, [&] { return committed_id_.load() >= id; });
}

Status WriterQueue::Flush() {
  std::unique_lock lock(mu_);
  const uint64_t target = enqueued_seq_;
  const uint64_t failures_before = stats_.failed_commits;
  committed_cv_.wait(lock, [&] {
    return committed_seq_ >= target || stats_.failed_commits != failures_before || stop_;
  });
  if (committed_seq_ >= target) return Status::Ok();
  return Unavailable(stats_.last_error.empty() ? options_.where + ": store is closing"
                                               : stats_.last_error);
}

StoreStats WriterQueue::stats() const {
  std::lock_guard lock(mu_);
  StoreStats s = stats_;
  s.queue_depth = queued_rows_;
  return s;
}

void WriterQueue::ReportError(std::string message) {
  std::lock_guard lock(mu_);
  stats_.last_error = std::move(message);
}

size_t WriterQueue::waiting_tasks() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

// --- the writer thread ---------------------------------------------------------------------------

void WriterQueue::Run() {
  NameThisThread("biac-store");
  if (options_.writer_priority != ThreadPriority::kNormal) {
    SetThisThreadPriority(options_.writer_priority);
  }
  auto last_periodic = std::chrono::steady_clock::now();
  for (;;) {
    RunTasks();
    if (std::chrono::steady_clock::now() - last_periodic >= options_.periodic_interval) {
      last_periodic = std::chrono::steady_clock::now();
      backend_->Periodic();
    }
    {
      std::unique_lock lock(mu_);
      const bool own_work = backend_->HasOwnWork();
      if (items_.empty() && tasks_.empty() && !own_work) {
        if (stop_) return;
        work_cv_.wait_for(lock, options_.periodic_interval,
                          [&] { return stop_ || !items_.empty() || !tasks_.empty(); });
      }
      if (items_.empty() && !own_work) {
        if (stop_ && tasks_.empty()) return;
        continue;  // tasks, or the periodic work
      }
    }
    if (!CommitBatch()) {
      std::unique_lock lock(mu_);
      if (stop_ && ++stop_failures_ >= kStopRetries) {
        // The backend cannot take the rest: give up, counted and reported in stats. Tasks
        // still waiting get the closing error rather than waiting forever.
        queued_rows_ = 0;
        items_.clear();
        for (Task* task : tasks_) {
          task->result = Unavailable(options_.where + ": store is closing");
          task->done = true;
        }
        tasks_.clear();
        committed_cv_.notify_all();
        return;
      }
      work_cv_.wait_for(lock, retry_delay_, [&] { return stop_; });
      retry_delay_ = std::min<Duration>(retry_delay_ * 2, kMaxRetryDelay);
    } else {
      retry_delay_ = kFirstRetryDelay;
    }
  }
}

void WriterQueue::RunTasks() {
  for (;;) {
    Task* task = nullptr;
    {
      std::lock_guard lock(mu_);
      if (tasks_.empty()) return;
      task = tasks_.front();
      tasks_.pop_front();
    }
    Status result = task->run();
    std::lock_guard lock(mu_);
    task->result = std::move(result);
    task->done = true;
    committed_cv_.notify_all();
  }
}

// One bulk transaction: takes queued items until max_batch rows or commit_interval, hands
// each round of them to the backend, commits. On failure the items go back to the front of
// the queue; false.
bool WriterQueue::CommitBatch() {
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + options_.commit_interval;
  // The items move here from the queue; their WriterWork stays where it is (the backend may
  // hold views into it until Commit or Abort returns).
  std::vector<WriterItem> taken;
  size_t rows = 0;
  uint64_t max_id = 0;
  Status status = backend_->Begin();
  while (status.ok()) {
    const size_t first_new = taken.size();
    {
      std::unique_lock lock(mu_);
      if (items_.empty() && rows < options_.max_batch && !stop_ && tasks_.empty()) {
        work_cv_.wait_until(lock, deadline,
                            [&] { return stop_ || !items_.empty() || !tasks_.empty(); });
      }
      while (!items_.empty() && rows < options_.max_batch) {
        rows += items_.front().rows;
        taken.push_back(std::move(items_.front()));
        items_.pop_front();
      }
    }
    if (taken.size() > first_new) {
      for (size_t i = first_new; i < taken.size(); ++i) max_id = std::max(max_id, taken[i].max_id);
      status = backend_->Apply(std::span<const WriterItem>(taken).subspan(first_new));
      if (!status.ok()) break;
    }
    bool more = false;
    {
      std::lock_guard lock(mu_);
      more = !items_.empty();
      if (!tasks_.empty() || (stop_ && !more)) break;
    }
    if (rows >= options_.max_batch || std::chrono::steady_clock::now() >= deadline) break;
    if (!more && taken.empty() && backend_->HasOwnWork()) break;  // idle: the backend's work
  }
  if (status.ok()) status = backend_->Commit(max_id);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!status.ok()) {
    backend_->Abort();
    std::lock_guard lock(mu_);
    for (auto it = taken.rbegin(); it != taken.rend(); ++it) items_.push_front(std::move(*it));
    ++stats_.failed_commits;
    stats_.last_error = status.message();
    committed_cv_.notify_all();
    return false;
  }
  {
    std::lock_guard lock(mu_);
    for (const WriterItem& item : taken) {
      queued_rows_ -= item.rows;
      committed_seq_ = std::max(committed_seq_, item.seq);
      if (item.kind == WriterItem::Kind::kObservations) {
        stats_.committed_observations += item.rows;
      } else {
        stats_.track_rows += item.rows;
      }
    }
    // Items commit in queue order and ids increase in it: the highest id of this
    // transaction is the watermark.
    if (max_id > committed_id_.load()) committed_id_.store(max_id);
    if (!taken.empty()) ++stats_.commits;
    stats_.last_commit_ms = ms;
  }
  committed_cv_.notify_all();
  space_cv_.notify_all();
  return true;
}

}  // namespace biac::storage
