// The writer queue on its own (writer_queue.h), with a backend that records what each
// transaction held and can be held or made to fail: queue order and batching, back-pressure,
// a queued picture replaced by a newer one of its view, tasks ahead of bulk work, the
// watermark never ahead of a failed commit, the backend's own periodic work, and stopping.
// The store tests (store_test.cc) run the same contract through both real backends.

#include "biac/storage/writer_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace biac::storage {
namespace {

using namespace std::chrono_literals;
using Names = std::vector<std::string>;

constexpr Duration kLongWait = std::chrono::seconds(10);  // only reached when a test fails

struct Payload final : WriterWork {
  explicit Payload(std::string n, bool merge = false) : name(std::move(n)), merges(merge) {}
  // A merging payload stands for a picture queued as a change: replacing a queued one, it
  // takes over that one's (name) and counts 10 more rows.
  size_t Supersede(WriterWork& older, size_t rows) override {
    if (!merges) return rows;
    name += "+" + static_cast<Payload&>(older).name;
    return rows + 10;
  }
  std::string name;
  bool merges = false;
};

WriterItem Observations(std::string name, size_t rows, uint64_t max_id) {
  return WriterItem::Observations(std::make_unique<Payload>(std::move(name)), rows, max_id);
}

WriterItem Picture(std::string view, std::string name, size_t rows) {
  return WriterItem::Picture(std::move(view), std::make_unique<Payload>(std::move(name)), rows);
}

// Polls `done` until it holds or kLongWait passes.
bool Eventually(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + kLongWait;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// Records the items of every committed transaction and the writer's calls in order ("begin",
// "apply a b", "commit", "abort", "task t"). Holding makes Begin (or Apply) wait for
// Release(); failing makes every Commit fail.
class FakeBackend final : public WriterBackend {
 public:
  Status Begin() override {
    std::unique_lock lock(mu_);
    ++begins_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !hold_begin_; });
    open_.clear();
    events_.push_back("begin");
    return Status::Ok();
  }

  Status Apply(std::span<const WriterItem> items) override {
    std::unique_lock lock(mu_);
    writer_thread_ = std::this_thread::get_id();
    std::string event = "apply";
    for (const WriterItem& item : items) {
      open_.push_back(item.As<Payload>().name);
      event += " " + item.As<Payload>().name;
    }
    events_.push_back(event);
    ++applies_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !hold_apply_; });
    return Status::Ok();
  }

  Status Commit(uint64_t max_observation_id) override {
    std::lock_guard lock(mu_);
    commit_max_ids_.push_back(max_observation_id);
    if (fail_) return Unavailable("fake.db: commit: disk I/O error");
    committed_.push_back(open_);
    events_.push_back("commit");
    own_work_ = false;
    return Status::Ok();
  }

  void Abort() override {
    std::lock_guard lock(mu_);
    ++aborts_;
    events_.push_back("abort");
  }

  void Periodic() override {
    ++periodic_calls_;
    own_work_ = own_work_on_periodic_.load();
  }

  bool HasOwnWork() const override { return own_work_; }

  void HoldBegin() {
    Set([&] { hold_begin_ = true; });
  }
  void HoldApply() {
    Set([&] { hold_apply_ = true; });
  }
  void Release() {
    Set([&] {
      hold_begin_ = false;
      hold_apply_ = false;
    });
  }
  void Fail(bool fail) {
    Set([&] { fail_ = fail; });
  }
  void Event(std::string event) {
    Set([&] { events_.push_back(std::move(event)); });
  }
  bool WaitBegins(int n) {
    return WaitUntil([&] { return begins_ >= n; });
  }
  bool WaitApplies(int n) {
    return WaitUntil([&] { return applies_ >= n; });
  }

  std::vector<Names> committed() const { return Get(committed_); }
  std::vector<uint64_t> commit_max_ids() const { return Get(commit_max_ids_); }
  Names events() const { return Get(events_); }
  int aborts() const { return Get(aborts_); }
  std::thread::id writer_thread() const { return Get(writer_thread_); }

  std::atomic<int> periodic_calls_{0};
  std::atomic<bool> own_work_on_periodic_{false};

 private:
  void Set(const std::function<void()>& change) {
    {
      std::lock_guard lock(mu_);
      change();
    }
    cv_.notify_all();
  }
  template <typename T>
  T Get(const T& member) const {
    std::lock_guard lock(mu_);
    return member;
  }
  bool WaitUntil(const std::function<bool()>& done) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kLongWait, done);
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool hold_begin_ = false;
  bool hold_apply_ = false;
  bool fail_ = false;
  int begins_ = 0;
  int applies_ = 0;
  int aborts_ = 0;
  Names open_;
  std::vector<Names> committed_;
  std::vector<uint64_t> commit_max_ids_;
  Names events_;
  std::thread::id writer_thread_;
  std::atomic<bool> own_work_{false};
};

WriterQueueOptions Options() {
  WriterQueueOptions options;
  options.where = "fake.db";
  options.commit_interval = 20ms;
  options.max_batch = 1000;
  options.queue_limit = 1000;
  return options;
}

// Every committed name, in commit order.
Names Flat(const std::vector<Names>& transactions) {
  Names all;
  for (const Names& t : transactions) all.insert(all.end(), t.begin(), t.end());
  return all;
}

TEST(WriterQueueTest, CommitsInQueueOrderAndAdvancesTheWatermark) {
  FakeBackend backend;
  WriterQueue queue(Options());
  queue.Start(backend, 5);  // a reopened store: ids up to 5 are stored
  EXPECT_EQ(queue.committed_observation_id(), 5u);
  backend.HoldBegin();
  queue.Enqueue(Observations("a", 2, 7));
  queue.Enqueue(Picture("usa", "p", 3));
  queue.Enqueue(Observations("b", 1, 9));
  ASSERT_TRUE(backend.WaitBegins(1));
  EXPECT_EQ(queue.stats().queue_depth, 6u);
  backend.Release();
  ASSERT_TRUE(queue.Flush().ok());
  // All three were queued before the transaction took anything: one transaction, in order.
  EXPECT_EQ(backend.committed(), std::vector<Names>({{"a", "p", "b"}}));
  EXPECT_EQ(backend.commit_max_ids(), std::vector<uint64_t>({9}));
  EXPECT_EQ(queue.committed_observation_id(), 9u);
  EXPECT_TRUE(queue.WaitCommitted(9, 0ms));
  const StoreStats stats = queue.stats();
  EXPECT_EQ(stats.queued, 6u);
  EXPECT_EQ(stats.committed_observations, 3u);
  EXPECT_EQ(stats.track_rows, 3u);
  EXPECT_EQ(stats.commits, 1u);
  EXPECT_EQ(stats.queue_depth, 0u);
  EXPECT_EQ(stats.failed_commits, 0u);
  EXPECT_EQ(stats.last_error, "");
}

TEST(WriterQueueTest, MaxBatchSplitsTransactions) {
  FakeBackend backend;
  WriterQueueOptions options = Options();
  options.max_batch = 4;
  WriterQueue queue(options);
  queue.Start(backend, 0);
  backend.HoldBegin();
  for (uint64_t id = 1; id <= 6; ++id) queue.Enqueue(Observations(std::to_string(id), 1, id));
  ASSERT_TRUE(backend.WaitBegins(1));
  backend.Release();
  ASSERT_TRUE(queue.Flush().ok());
  EXPECT_EQ(backend.committed(), std::vector<Names>({{"1", "2", "3", "4"}, {"5", "6"}}));
  EXPECT_EQ(backend.commit_max_ids(), std::vector<uint64_t>({4, 6}));
  EXPECT_EQ(queue.committed_observation_id(), 6u);
  EXPECT_EQ(queue.stats().commits, 2u);
}

TEST(WriterQueueTest, ProducersBlockWhileTheQueueIsAtItsLimit) {
  FakeBackend backend;
  WriterQueueOptions options = Options();
  options.queue_limit = 10;
  WriterQueue queue(options);
  queue.Start(backend, 0);
  backend.HoldBegin();
  queue.Enqueue(Observations("a", 6, 1));
  queue.Enqueue(Observations("b", 6, 2));  // admitted: the queue held 6 < 10 rows
  ASSERT_TRUE(backend.WaitBegins(1));
  std::atomic<bool> c_queued{false};
  std::thread producer([&] {
    queue.Enqueue(Observations("c", 1, 3));
    c_queued = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(c_queued) << "queued past the limit while nothing was committed";
  EXPECT_EQ(queue.stats().queue_depth, 12u);
  backend.Release();
  producer.join();
  EXPECT_TRUE(c_queued);
  ASSERT_TRUE(queue.Flush().ok());
  EXPECT_EQ(Flat(backend.committed()), Names({"a", "b", "c"}));
  // An item larger than the limit is admitted into a queue below it: it cannot wait forever.
  queue.Enqueue(Observations("d", 25, 4));
  ASSERT_TRUE(queue.Flush().ok());
  EXPECT_EQ(queue.committed_observation_id(), 4u);
  EXPECT_EQ(queue.stats().queue_depth, 0u);
}

TEST(WriterQueueTest, ANewerPictureReplacesTheQueuedOneOfItsViewInItsPlace) {
  FakeBackend backend;
  WriterQueue queue(Options());
  queue.Start(backend, 0);
  backend.HoldBegin();
  queue.Enqueue(Picture("usa", "usa-1", 3));
  queue.Enqueue(Observations("o1", 1, 1));
  queue.Enqueue(Picture("jpn", "jpn-1", 2));
  queue.Enqueue(Picture("usa", "usa-2", 5));
  queue.Enqueue(Observations("o2", 1, 2));
  queue.Enqueue(Observations("o3", 1, 3));  // observations are never replaced
  ASSERT_TRUE(backend.WaitBegins(1));
  StoreStats stats = queue.stats();
  EXPECT_EQ(stats.superseded_pictures, 1u);
  EXPECT_EQ(stats.queued, 13u);
  EXPECT_EQ(stats.queue_depth, 5u + 1u + 2u + 1u + 1u);
  backend.Release();
  ASSERT_TRUE(queue.Flush().ok());
  EXPECT_EQ(Flat(backend.committed()), Names({"usa-2", "o1", "jpn-1", "o2", "o3"}));
  EXPECT_EQ(queue.stats().track_rows, 7u);
  // A picture a transaction has taken is not replaced: the next one is queued after it.
  queue.Enqueue(Picture("usa", "usa-3", 5));
  ASSERT_TRUE(queue.Flush().ok());
  EXPECT_EQ(Flat(backend.committed()).back(), "usa-3");
  EXPECT_EQ(queue.stats().superseded_pictures, 1u);
}

// A picture queued as a change takes over what the queued one it replaces changed
// (WriterWork::Supersede): the queue asks the newer work, under its lock, and counts the
// rows it returns.
TEST(WriterQueueTest, ANewerPictureTakesOverTheQueuedOneThroughItsWork) {
  FakeBackend backend;
  WriterQueue queue(Options());
  queue.Start(backend, 0);
  backend.HoldBegin();
  queue.Enqueue(WriterItem::Picture("usa", std::make_unique<Payload>("usa-1", true), 3));
  queue.Enqueue(WriterItem::Picture("usa", std::make_unique<Payload>("usa-2", true), 4));
  ASSERT_TRUE(backend.WaitBegins(1));
  EXPECT_EQ(queue.stats().queue_depth, 14u);
  EXPECT_EQ(queue.stats().queued, 3u + 14u);
  backend.Release();
  ASSERT_TRUE(queue.Flush().ok());
  EXPECT_EQ(Flat(backend.committed()), Names({"usa-2+usa-1"}));
  EXPECT_EQ(queue.stats().track_rows, 14u);
  EXPECT_EQ(queue.stats().superseded_pictures, 1u);
}

TEST(WriterQueueTest, TasksRunOnTheWriterAheadOfQueuedBulkWork) {
  FakeBackend backend;
  WriterQueue queue(Options());
  queue.Start(backend, 0);
  backend.HoldApply();
  queue.Enqueue(Observations("a", 1, 1));
  ASSERT_TRUE(backend.WaitApplies(1));  // the writer is inside a transaction holding "a"
  queue.Enqueue(Observations("b", 1, 2));
  std::thread::id task_thread;
  Status task_result = Internal("not run");
  std::thread caller([&] {
    task_result = queue.RunTask([&] {
      task_thread = std::this_thread::get_id();
      backend.Event("task");
      return Status::Ok();
    });
  });
  ASSERT_TRUE(Eventually([&] { return queue.waiting_tasks() == 1; }));
  backend.Release();
  caller.join();
  EXPECT_TRUE(task_result.ok());
  ASSERT_TRUE(queue.Flush().ok());
  // The open transaction ends at the task; "b", queued before the task, commits after it.
  EXPECT_EQ(backend.events(),
            Names({"begin", "apply a", "commit", "task", "begin", "apply b", "commit"}));
  EXPECT_EQ(task_thread, backend.writer_thread());
  // A task's error is its caller's.
  EXPECT_EQ(queue.RunTask([] { return NotFound("fake.db: account \"x\" not found"); }).message(),
            "fake.db: account \"x\" not found");
}

TEST(WriterQueueTest, TheWatermarkNeverPassesAFailedCommit) {
  FakeBackend backend;
  WriterQueue queue(Options());
  queue.Start(backend, 0);
  queue.Enqueue(Observations("a", 3, 3));
  ASSERT_TRUE(queue.Flush().ok());
  EXPECT_EQ(queue.committed_observation_id(), 3u);

  backend.Fail(true);
  queue.Enqueue(Observations("b", 3, 6));
  queue.Enqueue(Picture("usa", "p", 2));
  ASSERT_TRUE(Eventually([&] { return queue.stats().failed_commits >= 2; }));
  const Status flushed = queue.Flush();  // returns at the next failure, with its error
  EXPECT_EQ(flushed.code(), StatusCode::kUnavailable);
  EXPECT_EQ(flushed.message(), "fake.db: commit: disk I/O error");
  EXPECT_EQ(queue.committed_observation_id(), 3u);
  EXPECT_FALSE(queue.WaitCommitted(6, 30ms));
  StoreStats stats = queue.stats();
  EXPECT_EQ(stats.queue_depth, 5u) << "a failed transaction's items go back to the queue";
  EXPECT_EQ(stats.committed_observations, 3u);
  EXPECT_EQ(stats.last_error, "fake.db: commit: disk I/O error");
  EXPECT_GE(backend.aborts(), 2);
  EXPECT_EQ(backend.commit_max_ids().back(), 6u);  // it was offered, and did not commit

  backend.Fail(false);
  ASSERT_TRUE(queue.WaitCommitted(6, kLongWait));
  ASSERT_TRUE(queue.Flush().ok());
  // The retried items commit once, in their order.
  EXPECT_EQ(backend.committed(), std::vector<Names>({{"a"}, {"b", "p"}}));
  stats = queue.stats();
  EXPECT_EQ(stats.queue_depth, 0u);
  EXPECT_EQ(stats.committed_observations, 6u);
  EXPECT_EQ(stats.track_rows, 2u);
}

TEST(WriterQueueTest, PeriodicWorkAndTheBackendsOwnTransactions) {
  FakeBackend backend;
  backend.own_work_on_periodic_ = true;
  WriterQueueOptions options = Options();
  options.periodic_interval = 20ms;
  WriterQueue queue(options);
  queue.Start(backend, 0);
  // Nothing queued: the backend's own work (the SQLite store's retention) still gets a
  // transaction, with no items.
  ASSERT_TRUE(Eventually([&] { return backend.periodic_calls_ >= 2; }));
  ASSERT_TRUE(Eventually([&] { return !backend.committed().empty(); }));
  EXPECT_EQ(backend.committed().front(), Names());
  EXPECT_EQ(backend.commit_max_ids().front(), 0u);
  EXPECT_EQ(queue.stats().commits, 0u) << "a transaction without items is not a bulk commit";
}

TEST(WriterQueueTest, StopCommitsWhatIsQueued) {
  FakeBackend backend;
  WriterQueueOptions options = Options();
  options.commit_interval = kLongWait;  // only stopping ends the transaction early
  WriterQueue queue(options);
  queue.Start(backend, 0);
  queue.Enqueue(Observations("a", 1, 1));
  queue.Enqueue(Picture("usa", "p", 1));
  queue.Stop();
  EXPECT_EQ(Flat(backend.committed()), Names({"a", "p"}));
  EXPECT_EQ(queue.committed_observation_id(), 1u);
  EXPECT_TRUE(queue.Flush().ok());
  const Status task = queue.RunTask([] { return Status::Ok(); });
  EXPECT_EQ(task.code(), StatusCode::kUnavailable);
  EXPECT_EQ(task.message(), "fake.db: store is closing");
  queue.Stop();  // idempotent
}

TEST(WriterQueueTest, StopGivesUpWhenCommitsKeepFailing) {
  FakeBackend backend;
  WriterQueue queue(Options());
  queue.Start(backend, 2);
  backend.Fail(true);
  queue.Enqueue(Observations("a", 4, 6));
  ASSERT_TRUE(Eventually([&] { return queue.stats().failed_commits >= 1; }));
  queue.Stop();  // returns: three more failures and the rest is abandoned
  const StoreStats stats = queue.stats();
  EXPECT_EQ(stats.queue_depth, 0u);
  EXPECT_GE(stats.failed_commits, 3u);
  EXPECT_EQ(stats.committed_observations, 0u);
  EXPECT_EQ(queue.committed_observation_id(), 2u);
  EXPECT_TRUE(backend.committed().empty());
  EXPECT_EQ(queue.Flush().message(), "fake.db: commit: disk I/O error");
}

}  // namespace
}  // namespace biac::storage
