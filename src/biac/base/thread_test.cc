#include "biac/base/thread.h"

#include <gtest/gtest.h>

#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

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

}  // namespace
}  // namespace biac
