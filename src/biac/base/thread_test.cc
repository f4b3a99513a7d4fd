#include "biac/base/thread.h"

#include <gtest/gtest.h>

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "biac/base/parallel.h"

namespace biac {
namespace {

TEST(ThreadTest, NamesTheCallingThread) {
  std::string name;
  std::thread t([&] {
    NameThisThread("biac-test-thread-long-name");
    const auto tid = static_cast<long>(syscall(SYS_gettid));
    std::ifstream comm("/proc/self/task/" + std::to_string(tid) + "/comm");
    std::getline(comm, name);
  });
  t.join();
  EXPECT_EQ(name, "biac-test-threa");  // 15 characters kept
}

TEST(ThreadTest, SetsTheCallingThreadsPriority) {
  int nice_before = 0, low_nice = 0, policy_idle = -1, policy_normal = -1, nice_normal = -1;
  int other_policy = -1;
  std::thread t([&] {
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    nice_before = getpriority(PRIO_PROCESS, tid);
    ASSERT_TRUE(SetThisThreadPriority(ThreadPriority::kLow));
    low_nice = getpriority(PRIO_PROCESS, tid);
    ASSERT_TRUE(SetThisThreadPriority(ThreadPriority::kIdle));
    policy_idle = sched_getscheduler(0);  // 0: the calling thread
    // Back to normal: allowed from SCHED_IDLE without privilege on Linux since 2.6.39 when the
    // nice value stays within RLIMIT_NICE; a refusal is reported, not hidden.
    if (SetThisThreadPriority(ThreadPriority::kNormal)) {
      policy_normal = sched_getscheduler(0);
      nice_normal = getpriority(PRIO_PROCESS, tid);
    }
  });
  t.join();
  other_policy = sched_getscheduler(0);
  EXPECT_EQ(nice_before, 0);
  EXPECT_EQ(low_nice, 19);
  EXPECT_EQ(policy_idle, SCHED_IDLE);
  if (policy_normal != -1) {
    EXPECT_EQ(policy_normal, SCHED_OTHER);
    EXPECT_EQ(nice_normal, 0);
  }
  EXPECT_EQ(other_policy, SCHED_OTHER);  // this thread is unchanged
  EXPECT_EQ(ThreadPriorityFromName("idle"), ThreadPriority::kIdle);
  EXPECT_EQ(ThreadPriorityName(ThreadPriority::kLow), "low");
  EXPECT_FALSE(ThreadPriorityFromName("realtime").has_value());
}

TEST(ParallelForTest, RunsEveryTaskOnceAndReturnsWhenAllHaveReturned) {
  ParallelFor gang(3, "biac-test-gang");
  EXPECT_EQ(gang.threads(), 3);
  for (int round = 0; round < 2000; ++round) {
    const size_t count = 1 + round % 7;
    std::vector<int> runs(count, 0);  // each task writes only its own slot
    gang.Run(count, [&](size_t i) { runs[i] += 1 + round; });
    // Read after Run: every write must be visible and none may come later.
    for (size_t i = 0; i < count; ++i) ASSERT_EQ(runs[i], 1 + round) << round << " " << i;
  }
}

TEST(ParallelForTest, TheWorkersShareTheTasks) {
  ParallelFor gang(2, "biac-test-gang");
  std::mutex mutex;
  std::set<std::thread::id> seen;
  // Two tasks that each wait for the other to start: they can only finish if two threads
  // run them at once.
  std::atomic<int> started{0};
  gang.Run(2, [&](size_t) {
    started.fetch_add(1);
    while (started.load() < 2) std::this_thread::yield();
    std::lock_guard lock(mutex);
    seen.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(seen.size(), 2u);
}

TEST(ParallelForTest, WithoutWorkersTheCallerRunsEverything) {
  ParallelFor alone(1, "unused");
  std::vector<std::thread::id> who;
  alone.Run(4, [&](size_t) { who.push_back(std::this_thread::get_id()); });
  ASSERT_EQ(who.size(), 4u);
  for (const auto& id : who) EXPECT_EQ(id, std::this_thread::get_id());
}

}  // namespace
}  // namespace biac
