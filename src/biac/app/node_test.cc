// The node in this process, with an injected clock: overload shedding (docs/node.md,
// "Overload"). The end-to-end tests (tests/e2e) run the real binary; this one needs a clock
// that only a test can hand in.

#include "biac/app/node.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "biac/app/serve_config.h"
#include "biac/base/clock.h"

namespace biac::app {
namespace {

namespace fs = std::filesystem;

// The system clock, moved on by `step` at every reading: any two readings are at least
// `step` apart, so every batch has waited at least `step` when the fusion thread takes it.
class SteppingClock final : public Clock {
 public:
  explicit SteppingClock(Duration step) : step_(step) {}
  Timestamp Now() const override {
    const int64_t n = ++readings_;
    return SystemClock::Instance().Now() + Duration(step_.count() * n);
  }

 private:
  const Duration step_;
  mutable std::atomic<int64_t> readings_{0};
};

constexpr char kConfig[] = R"(
[node]
name = "shed-test"
[api]
listen = "127.0.0.1:0"
[fusion]
lag_s = 0
[[audience]]
name = "jpn-analyst"
clearance = "SECRET"
nationality = "JPN"
[[user]]
name = "a"
audience = "jpn-analyst"
password = "password-of-a"
[[feed]]
name = "ais"
format = "ais-nmea"
transport = "udp"
listen = "127.0.0.1:0"
label = "UNCLASSIFIED"
)";

// AIS position reports (types 1-3) from testdata/ais/gpsd_sample.aivdm, one per datagram.
std::vector<std::string> PositionReports() {
  std::ifstream in("testdata/ais/gpsd_sample.aivdm");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("!AIVDM,1,1,,", 0) == 0 && line.size() > 14 && line[14] >= '1' &&
        line[14] <= '3') {
      out.push_back(line + "\r\n");
    }
  }
  return out;
}

void SendUdp(uint16_t port, const std::vector<std::string>& datagrams) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (const std::string& d : datagrams) {
    ASSERT_EQ(sendto(fd, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to)),
              static_cast<ssize_t>(d.size()));
  }
  close(fd);
}

// Starts a node with `shed_after_s`, sends the reports, waits until all are acknowledged.
Node::FeedCounts RunWith(const std::string& shed_after_s, const std::string& folder) {
  const fs::path dir = fs::temp_directory_path() / folder;
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string config = kConfig;
  config.replace(config.find("lag_s = 0"), 9, "lag_s = 0\nshed_after_s = " + shed_after_s);
  auto parsed = ParseServeConfig(config, (dir / "node.toml").string(), dir.string());
  EXPECT_TRUE(parsed.ok()) << parsed.error().message();
  if (!parsed.ok()) return {};
  SteppingClock clock(std::chrono::milliseconds(100));
  auto node = Node::Start(*parsed, &clock);
  EXPECT_TRUE(node.ok()) << node.error().message();
  if (!node.ok()) return {};
  const std::vector<std::string> reports = PositionReports();
  EXPECT_GE(reports.size(), 5u);  // the file has 7
  SendUdp((*node)->endpoints().feed_ports.at(0).second, reports);
  Node::FeedCounts counts;
  for (int i = 0; i < 300; ++i) {  // up to 30 s under sanitizers
    counts = (*node)->Feeds().at(0);
    if (counts.observations >= reports.size() && counts.acknowledged == counts.observations) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  (*node)->Stop();
  fs::remove_all(dir);
  return counts;
}

// Every batch waits at least 100 ms by this clock: with shed_after_s 0.05 each is stored and
// acknowledged but not fused; with 0 (off) each is fused.
TEST(NodeOverload, ObservationsThatWaitedTooLongAreStoredButNotFused) {
  const size_t sent = PositionReports().size();
  const Node::FeedCounts shed = RunWith("0.05", "biac-node-test-shed");
  EXPECT_EQ(shed.source, "ais");
  EXPECT_GE(shed.observations, sent);
  EXPECT_EQ(shed.acknowledged, shed.observations);
  EXPECT_EQ(shed.shed, shed.observations);
  EXPECT_EQ(shed.fused, 0u);

  const Node::FeedCounts fused = RunWith("0", "biac-node-test-fuse");
  EXPECT_GE(fused.observations, sent);
  EXPECT_EQ(fused.acknowledged, fused.observations);
  EXPECT_EQ(fused.fused, fused.observations);
  EXPECT_EQ(fused.shed, 0u);
}

// The node's background threads (the store writer, the thread that stores pictures) run at the
// configured priority, SCHED_IDLE by default; the live threads stay normal.
TEST(NodeThreads, BackgroundThreadsRunAtIdlePriority) {
  const fs::path dir = fs::temp_directory_path() / "biac-node-test-threads";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto parsed = ParseServeConfig(kConfig, (dir / "node.toml").string(), dir.string());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  auto node = Node::Start(*parsed, &SystemClock::Instance());
  ASSERT_TRUE(node.ok()) << node.error().message();
  std::map<std::string, int> policy;  // thread name -> scheduling policy
  for (int attempt = 0; attempt < 50 && policy.count("biac-pictures") == 0; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the threads set it first
    for (const auto& task : fs::directory_iterator("/proc/self/task")) {
      std::ifstream comm(task.path() / "comm");
      std::string name;
      std::getline(comm, name);
      const pid_t tid = static_cast<pid_t>(std::stol(task.path().filename().string()));
      policy[name] = sched_getscheduler(tid);
    }
  }
  (*node)->Stop();
  fs::remove_all(dir);
  ASSERT_TRUE(policy.count("biac-store") && policy.count("biac-pictures") &&
              policy.count("biac-fusion"));
  EXPECT_EQ(policy["biac-store"], SCHED_IDLE);
  EXPECT_EQ(policy["biac-pictures"], SCHED_IDLE);
  EXPECT_EQ(policy["biac-fusion"], SCHED_OTHER);
}

}  // namespace
}  // namespace biac::app
