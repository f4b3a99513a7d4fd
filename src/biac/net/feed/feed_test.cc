// Feed listeners on real loopback sockets. The peers are plain POSIX sockets, so that the tests
// control blocking and buffer sizes exactly.

#include "biac/net/feed/feed.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "biac/net/feed/framer.h"
#include "biac/net/http/client.h"
#include "biac/net/http/tls.h"

namespace biac::net {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using namespace std::chrono_literals;

// Generous: only a failing test waits this long.
constexpr auto kWait = 20s;

// ---- Peers -----------------------------------------------------------------------------

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    Reset();
    fd_ = std::exchange(other.fd_, -1);
    return *this;
  }
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

sockaddr_in Loopback(uint16_t port, const char* address = "127.0.0.1") {
  sockaddr_in in = {};
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  inet_pton(AF_INET, address, &in.sin_addr);
  return in;
}

uint16_t LocalPort(int fd) {
  sockaddr_in in = {};
  socklen_t length = sizeof(in);
  getsockname(fd, reinterpret_cast<sockaddr*>(&in), &length);
  return ntohs(in.sin_port);
}

Fd UdpSocket() {
  Fd fd(socket(AF_INET, SOCK_DGRAM, 0));
  const sockaddr_in any = Loopback(0);
  EXPECT_EQ(bind(fd.get(), reinterpret_cast<const sockaddr*>(&any), sizeof(any)), 0);
  return fd;
}

void SendTo(int fd, uint16_t port, std::string_view bytes, const char* address = "127.0.0.1") {
  const sockaddr_in to = Loopback(port, address);
  ASSERT_EQ(
      sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof(to)),
      static_cast<ssize_t>(bytes.size()))
      << std::strerror(errno);
}

Fd TcpConnect(uint16_t port) {
  Fd fd(socket(AF_INET, SOCK_STREAM, 0));
  const sockaddr_in to = Loopback(port);
  EXPECT_EQ(connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof(to)), 0)
      << std::strerror(errno);
  return fd;
}

void SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    ASSERT_GT(n, 0) << std::strerror(errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

Fd TcpListen(uint16_t port) {
  Fd fd(socket(AF_INET, SOCK_STREAM, 0));
  const int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  const sockaddr_in at = Loopback(port);
  EXPECT_EQ(bind(fd.get(), reinterpret_cast<const sockaddr*>(&at), sizeof(at)), 0)
      << std::strerror(errno);
  EXPECT_EQ(listen(fd.get(), 8), 0);
  return fd;
}

// True when `fd` becomes readable and reads end of stream (or an error) within kWait.
bool ReadsEof(int fd) {
  pollfd p = {fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(std::chrono::milliseconds(kWait).count())) != 1) return false;
  char byte = 0;
  return recv(fd, &byte, 1, 0) <= 0;
}

// ---- Handler ---------------------------------------------------------------------------

// Records every call; optionally blocks in OnData until Release().
class Recorder : public FeedHandler {
 public:
  void OnConnect(uint64_t connection, std::string_view peer) override {
    const std::lock_guard lock(mutex_);
    connects_[connection] = std::string(peer);
    ++calls_;
    changed_.notify_all();
  }
  void OnData(const Chunk& chunk) override {
    std::unique_lock lock(mutex_);
    ++calls_;
    if (chunk.datagram) {
      EXPECT_EQ(chunk.connection, 0u);
      EXPECT_EQ(chunk.offset, datagrams_.size());
      datagrams_.emplace_back(chunk.bytes.begin(), chunk.bytes.end());
      peers_.insert(std::string(chunk.peer));
    } else {
      EXPECT_EQ(chunk.peer, connects_[chunk.connection]);
      if (store_) {
        std::string& stream = streams_[chunk.connection];
        EXPECT_EQ(chunk.offset, stream.size()) << "connection " << chunk.connection;
        stream.append(chunk.bytes.begin(), chunk.bytes.end());
      }
      if (on_stream_) on_stream_(chunk);  // under the lock
    }
    changed_.notify_all();
    if (block_) {
      blocked_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return !block_; });
      blocked_ = false;
    }
  }
  void OnDisconnect(uint64_t connection, std::string_view reason) override {
    const std::lock_guard lock(mutex_);
    disconnects_[connection] = std::string(reason);
    ++calls_;
    changed_.notify_all();
  }

  // Waits until `done()` holds (called under the lock); false after `timeout`.
  bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = kWait) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, done);
  }
  void Block() {
    const std::lock_guard lock(mutex_);
    block_ = true;
  }
  void Release() {
    const std::lock_guard lock(mutex_);
    block_ = false;
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<uint64_t, std::string> connects_, disconnects_, streams_;
  std::vector<std::string> datagrams_;
  std::set<std::string> peers_;
  std::function<void(const Chunk&)> on_stream_;
  int calls_ = 0;
  bool store_ = true;  // keep the TCP streams in streams_
  bool block_ = false;
  bool blocked_ = false;
};

std::unique_ptr<FeedListener> StartOrDie(const FeedEndpoint& endpoint, FeedHandler* handler) {
  auto listener = FeedListener::Start("test", endpoint, handler);
  EXPECT_TRUE(listener.ok()) << listener.status().ToString();
  return listener.ok() ? std::move(listener).value() : nullptr;
}

FeedEndpoint Udp(uint16_t port = 0) {
  FeedEndpoint endpoint;
  endpoint.transport = Transport::kUdp;
  endpoint.port = port;
  return endpoint;
}

FeedEndpoint TcpServer() {
  FeedEndpoint endpoint;
  endpoint.transport = Transport::kTcpServer;
  return endpoint;
}

// ---- UDP -------------------------------------------------------------------------------

TEST(FeedListenerTest, UdpUnicastDeliversWholeDatagrams) {
  Recorder recorder;
  auto listener = StartOrDie(Udp(), &recorder);
  ASSERT_NE(listener, nullptr);
  ASSERT_NE(listener->bound_port(), 0);
  const Fd sender = UdpSocket();
  const std::vector<std::string> sent = {"!AIVDM,1,1,,A,1,0*00\r\n", std::string(1400, 'x'), "z"};
  for (const auto& datagram : sent) SendTo(sender.get(), listener->bound_port(), datagram);
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.datagrams_.size() == sent.size(); }));
  const std::lock_guard lock(recorder.mutex_);
  EXPECT_EQ(recorder.datagrams_, sent);
  EXPECT_EQ(recorder.peers_,
            std::set<std::string>{"127.0.0.1:" + std::to_string(LocalPort(sender.get()))});
  const FeedStats stats = listener->stats();
  EXPECT_EQ(stats.datagrams, 3u);
  EXPECT_EQ(stats.reads, 3u);
  EXPECT_EQ(stats.bytes, sent[0].size() + sent[1].size() + sent[2].size());
  EXPECT_EQ(stats.kernel_drops, 0u);
  EXPECT_EQ(stats.truncated, 0u);
  EXPECT_GT(stats.receive_buffer, 0u);
}

TEST(FeedListenerTest, UdpLongDatagramIsTruncatedAndCounted) {
  Recorder recorder;
  FeedEndpoint endpoint = Udp();
  endpoint.read_buffer = 16;
  auto listener = StartOrDie(endpoint, &recorder);
  ASSERT_NE(listener, nullptr);
  const Fd sender = UdpSocket();
  SendTo(sender.get(), listener->bound_port(), "0123456789abcdefXYZ");
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.datagrams_.size() == 1; }));
  EXPECT_EQ(recorder.datagrams_[0], "0123456789abcdef");
  EXPECT_EQ(listener->stats().truncated, 1u);
}

TEST(FeedListenerTest, BindErrorsAreReportedByStart) {
  Recorder recorder;
  auto first = StartOrDie(Udp(), &recorder);
  ASSERT_NE(first, nullptr);
  const uint16_t port = first->bound_port();
  const auto second = FeedListener::Start("second", Udp(port), &recorder);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), StatusCode::kUnavailable);
  EXPECT_EQ(second.error().message(),
            "udp 127.0.0.1:" + std::to_string(port) + ": bind: Address already in use");

  FeedEndpoint bad_host = Udp();
  bad_host.host = "not-an-address";
  const auto third = FeedListener::Start("third", bad_host, &recorder);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(third.error().message(),
            "udp not-an-address:0: host \"not-an-address\" is not an IP address");

  FeedEndpoint no_port;
  no_port.transport = Transport::kTcpClient;
  const auto fourth = FeedListener::Start("fourth", no_port, &recorder);
  ASSERT_FALSE(fourth.ok());
  EXPECT_EQ(fourth.error().code(), StatusCode::kInvalidArgument);
}

TEST(FeedListenerTest, UdpMulticastOnLoopback) {
  Recorder recorder;
  FeedEndpoint endpoint = Udp();
  endpoint.multicast_group = "239.255.77.1";
  auto listener = FeedListener::Start("mcast", endpoint, &recorder);
  if (!listener.ok())
    GTEST_SKIP() << "multicast join refused here: " << listener.status().ToString();
  const uint16_t port = (*listener)->bound_port();
  const Fd sender = UdpSocket();
  // Send through the loopback interface (ip(7) IP_MULTICAST_IF) and loop the datagrams back.
  in_addr interface_address = {};
  inet_pton(AF_INET, "127.0.0.1", &interface_address);
  ASSERT_EQ(setsockopt(sender.get(), IPPROTO_IP, IP_MULTICAST_IF, &interface_address,
                       sizeof(interface_address)),
            0);
  const int loop = 1;
  ASSERT_EQ(setsockopt(sender.get(), IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)), 0);
  SendTo(sender.get(), port, "to the group", "239.255.77.1");
  // A unicast datagram to the same port is not for the group's socket.
  const Fd other = UdpSocket();
  const sockaddr_in unicast = Loopback(port);
  sendto(other.get(), "unicast", 7, 0, reinterpret_cast<const sockaddr*>(&unicast),
         sizeof(unicast));
  SendTo(sender.get(), port, "again", "239.255.77.1");
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.datagrams_.size() >= 2; }));
  EXPECT_EQ(recorder.datagrams_, (std::vector<std::string>{"to the group", "again"}));
}

TEST(FeedListenerTest, UdpFloodWhileHandlerBlocksIsCountedAsKernelDrops) {
  Recorder recorder;
  FeedEndpoint endpoint = Udp();
  endpoint.udp_receive_buffer = 64 * 1024;
  auto listener = StartOrDie(endpoint, &recorder);
  ASSERT_NE(listener, nullptr);
  const Fd sender = UdpSocket();
  recorder.Block();
  SendTo(sender.get(), listener->bound_port(), "first");
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.blocked_; }));
  // ~2 MB into a 64 KiB buffer that nobody reads.
  constexpr int kFlood = 2000;
  const std::string datagram(1000, 'f');
  for (int i = 0; i < kFlood; ++i) SendTo(sender.get(), listener->bound_port(), datagram);
  recorder.Release();
  // Once the listener has drained its buffer a datagram gets through, and it carries the
  // kernel's drop count. Until then a probe may be dropped too (and counted).
  uint64_t probes = 0;
  bool through = false;
  for (int i = 0; i < 200 && !through; ++i) {
    SendTo(sender.get(), listener->bound_port(), "probe");
    ++probes;
    through = recorder.WaitUntil(
        [&] { return !recorder.datagrams_.empty() && recorder.datagrams_.back() == "probe"; },
        100ms);
  }
  ASSERT_TRUE(through);
  EXPECT_GT(listener->stats().kernel_drops, 0u);
  // Nothing vanishes unaccounted: every datagram sent is read or counted by the kernel.
  const uint64_t sent = 1 + kFlood + probes;
  bool balanced = false;
  for (int i = 0; i < 400 && !balanced; ++i) {
    const FeedStats stats = listener->stats();
    balanced = stats.datagrams + stats.kernel_drops == sent;
    if (!balanced) std::this_thread::sleep_for(5ms);
  }
  const FeedStats stats = listener->stats();
  EXPECT_EQ(stats.datagrams + stats.kernel_drops, sent)
      << stats.datagrams << " read, " << stats.kernel_drops << " dropped";
}

// ---- TCP server ------------------------------------------------------------------------

TEST(FeedListenerTest, TcpServerKeepsThreeClientsApart) {
  Recorder recorder;
  auto listener = StartOrDie(TcpServer(), &recorder);
  ASSERT_NE(listener, nullptr);
  std::vector<Fd> clients;
  std::map<std::string, std::string> sent;  // by peer
  for (int i = 0; i < 3; ++i) {
    clients.push_back(TcpConnect(listener->bound_port()));
    sent["127.0.0.1:" + std::to_string(LocalPort(clients.back().get()))] = "";
  }
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.connects_.size() == 3; }));
  // Interleaved writes, in pieces.
  for (int round = 0; round < 50; ++round) {
    for (auto& client : clients) {
      const std::string peer = "127.0.0.1:" + std::to_string(LocalPort(client.get()));
      const std::string piece = fmt::format("{}:{};", peer, round);
      SendAll(client.get(), piece);
      sent[peer] += piece;
    }
  }
  for (auto& client : clients) client.Reset();
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.disconnects_.size() == 3; }));
  const std::lock_guard lock(recorder.mutex_);
  for (const auto& [connection, peer] : recorder.connects_) {
    EXPECT_EQ(recorder.streams_[connection], sent[peer]) << peer;
    EXPECT_EQ(recorder.disconnects_[connection], "eof");
  }
  std::set<uint64_t> ids;
  for (const auto& entry : recorder.connects_) ids.insert(entry.first);
  EXPECT_EQ(ids, (std::set<uint64_t>{1, 2, 3}));
  const FeedStats stats = listener->stats();
  EXPECT_EQ(stats.connections_opened, 3u);
  EXPECT_EQ(stats.connections_closed, 3u);
  EXPECT_FALSE(stats.connected);
}

TEST(FeedListenerTest, TcpServerClosesConnectionsBeyondTheLimit) {
  Recorder recorder;
  FeedEndpoint endpoint = TcpServer();
  endpoint.max_connections = 1;
  auto listener = StartOrDie(endpoint, &recorder);
  ASSERT_NE(listener, nullptr);
  const Fd first = TcpConnect(listener->bound_port());
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.connects_.size() == 1; }));
  const Fd second = TcpConnect(listener->bound_port());
  EXPECT_TRUE(ReadsEof(second.get()));
  EXPECT_EQ(listener->stats().connections_refused, 1u);
  SendAll(first.get(), "still served");
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.streams_[1] == "still served"; }));
}

// A peer that stalls mid-record holds only its framer's bounded partial state, and the other
// connections go on.
TEST(FeedListenerTest, StalledClientDoesNotHoldUpOthers) {
  Recorder recorder;
  std::map<uint64_t, std::unique_ptr<Framer>> framers;  // listener thread only
  std::vector<std::pair<uint64_t, std::string>> records, errors;
  recorder.on_stream_ = [&](const Chunk& chunk) {
    auto& framer = framers[chunk.connection];
    if (!framer) {
      const uint64_t id = chunk.connection;
      framer = MakeFramer(
          Framing::kCotXml,
          [&records, id](std::span<const uint8_t> r, uint64_t) {
            records.emplace_back(id, std::string(r.begin(), r.end()));
          },
          [&errors, id](uint64_t, std::string reason) { errors.emplace_back(id, reason); }, 1024);
    }
    framer->Push(chunk.bytes);
  };
  auto listener = StartOrDie(TcpServer(), &recorder);
  ASSERT_NE(listener, nullptr);
  const Fd staller = TcpConnect(listener->bound_port());
  SendAll(staller.get(), "<event uid='a'/><event uid='stalled'><detail>");
  Fd talker = TcpConnect(listener->bound_port());
  for (int i = 0; i < 100; ++i) SendAll(talker.get(), fmt::format("<event uid='{}'/>", i));
  ASSERT_TRUE(recorder.WaitUntil([&] { return records.size() == 101; }));
  {
    const std::lock_guard lock(recorder.mutex_);
    EXPECT_EQ(records.front(), std::make_pair(uint64_t{1}, std::string("<event uid='a'/>")));
    EXPECT_EQ(records.back(), std::make_pair(uint64_t{2}, std::string("<event uid='99'/>")));
    EXPECT_EQ(framers[1]->buffered(), std::string_view("<event uid='stalled'><detail>").size());
    EXPECT_TRUE(errors.empty());
  }
  // The staller now sends an endless event: it is cut at max_record, memory stays bounded.
  const std::string filler(4096, 'y');
  for (int i = 0; i < 16; ++i) SendAll(staller.get(), filler);
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.streams_[1].size() >= 16 * 4096; }));
  const std::lock_guard lock(recorder.mutex_);
  EXPECT_LE(framers[1]->buffered(), 1024u);
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_EQ(errors[0].first, 1u);
}

// The handler blocks: the listener stops reading, the sender's socket buffer fills, and once
// the handler returns every byte arrives, in order.
TEST(FeedListenerTest, TcpBackPressureLosesNothing) {
  Recorder recorder;
  uint64_t checked = 0;
  bool pattern_ok = true;
  const auto pattern = [](uint64_t offset) { return static_cast<char>((offset * 7 + 3) % 251); };
  recorder.on_stream_ = [&](const Chunk& chunk) {
    for (size_t i = 0; i < chunk.bytes.size(); ++i) {
      pattern_ok = pattern_ok && chunk.bytes[i] == static_cast<uint8_t>(pattern(chunk.offset + i));
    }
    EXPECT_EQ(chunk.offset, checked);
    checked += chunk.bytes.size();
  };
  recorder.store_ = false;
  auto listener = StartOrDie(TcpServer(), &recorder);
  ASSERT_NE(listener, nullptr);
  recorder.Block();
  const Fd client = TcpConnect(listener->bound_port());
  const int small = 64 * 1024;
  setsockopt(client.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
  fcntl(client.get(), F_SETFL, fcntl(client.get(), F_GETFL) | O_NONBLOCK);
  constexpr uint64_t kTotal = 24 << 20;
  std::string block(64 * 1024, '\0');
  uint64_t sent = 0;
  bool would_block = false;
  // Write until the kernel refuses: the peer's window and our send buffer are full.
  while (sent < kTotal && !would_block) {
    for (size_t i = 0; i < block.size(); ++i) block[i] = pattern(sent + i);
    const ssize_t n = send(client.get(), block.data(), block.size(), MSG_NOSIGNAL);
    if (n < 0) {
      ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << std::strerror(errno);
      pollfd p = {client.get(), POLLOUT, 0};
      would_block = poll(&p, 1, 200) == 0;
      continue;
    }
    sent += static_cast<uint64_t>(n);
  }
  EXPECT_TRUE(would_block) << "sent all " << sent << " bytes to a blocked handler";
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.blocked_; }));
  EXPECT_LT(listener->stats().bytes, sent);  // the listener stopped reading
  recorder.Release();
  fcntl(client.get(), F_SETFL, fcntl(client.get(), F_GETFL) & ~O_NONBLOCK);
  while (sent < kTotal) {
    for (size_t i = 0; i < block.size(); ++i) block[i] = pattern(sent + i);
    const size_t n = std::min<uint64_t>(block.size(), kTotal - sent);
    SendAll(client.get(), std::string_view(block.data(), n));
    sent += n;
  }
  ASSERT_TRUE(recorder.WaitUntil([&] { return checked == kTotal; }));
  EXPECT_TRUE(pattern_ok);
  EXPECT_EQ(listener->stats().bytes, kTotal);
}

TEST(FeedListenerTest, StopClosesOpenConnections) {
  Recorder recorder;
  auto listener = StartOrDie(TcpServer(), &recorder);
  ASSERT_NE(listener, nullptr);
  const Fd a = TcpConnect(listener->bound_port());
  const Fd b = TcpConnect(listener->bound_port());
  SendAll(a.get(), "partial rec");
  ASSERT_TRUE(recorder.WaitUntil(
      [&] { return recorder.connects_.size() == 2 && recorder.streams_[1] == "partial rec"; }));
  listener->Stop();
  int calls = 0;
  {
    const std::lock_guard lock(recorder.mutex_);
    EXPECT_EQ(recorder.disconnects_,
              (std::map<uint64_t, std::string>{{1, "stopped"}, {2, "stopped"}}));
    calls = recorder.calls_;
  }
  EXPECT_TRUE(ReadsEof(a.get()));
  EXPECT_TRUE(ReadsEof(b.get()));
  send(b.get(), "late", 4, MSG_NOSIGNAL);
  listener->Stop();  // idempotent
  listener.reset();
  const std::lock_guard lock(recorder.mutex_);
  EXPECT_EQ(recorder.calls_, calls);
  EXPECT_FALSE(recorder.streams_.contains(2));
}

TEST(FeedListenerTest, StopWhileUdpHandlerBlocks) {
  Recorder recorder;
  auto listener = StartOrDie(Udp(), &recorder);
  ASSERT_NE(listener, nullptr);
  recorder.Block();
  const Fd sender = UdpSocket();
  SendTo(sender.get(), listener->bound_port(), "one");
  SendTo(sender.get(), listener->bound_port(), "two");
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.blocked_; }));
  std::thread releaser([&] {
    // Stop() waits for the handler; the node releases its queue meanwhile.
    std::this_thread::sleep_for(50ms);
    recorder.Release();
  });
  listener->Stop();
  releaser.join();
  const std::lock_guard lock(recorder.mutex_);
  ASSERT_FALSE(recorder.datagrams_.empty());
  EXPECT_EQ(recorder.datagrams_[0], "one");
}

// A handler that throws costs its connection, never the listener.
TEST(FeedListenerTest, ThrowingHandlerClosesOnlyItsConnection) {
  Recorder recorder;
  recorder.on_stream_ = [](const Chunk& chunk) {
    if (!chunk.bytes.empty() && chunk.bytes[0] == '!') throw std::runtime_error("bad input");
  };
  auto listener = StartOrDie(TcpServer(), &recorder);
  ASSERT_NE(listener, nullptr);
  const Fd bad = TcpConnect(listener->bound_port());
  SendAll(bad.get(), "!boom");
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.disconnects_.contains(1); }));
  EXPECT_EQ(recorder.disconnects_[1], "handler failed");
  EXPECT_TRUE(ReadsEof(bad.get()));
  const Fd good = TcpConnect(listener->bound_port());
  SendAll(good.get(), "fine");
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.streams_[2] == "fine"; }));
}

// ---- TCP client ------------------------------------------------------------------------

TEST(FeedListenerTest, TcpClientReconnectsAfterTheServerRestarts) {
  Fd server = TcpListen(0);
  const uint16_t port = LocalPort(server.get());
  Recorder recorder;
  FeedEndpoint endpoint;
  endpoint.transport = Transport::kTcpClient;
  endpoint.port = port;
  endpoint.reconnect_min = 10ms;
  endpoint.reconnect_max = 80ms;
  auto listener = StartOrDie(endpoint, &recorder);
  ASSERT_NE(listener, nullptr);
  EXPECT_EQ(listener->bound_port(), 0);

  Fd peer(accept(server.get(), nullptr, nullptr));
  ASSERT_GE(peer.get(), 0);
  SendAll(peer.get(), "first life\n");
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.streams_[1] == "first life\n"; }));
  EXPECT_TRUE(listener->stats().connected);

  // The server goes away; the client sees the end and keeps trying.
  peer.Reset();
  server.Reset();
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.disconnects_.contains(1); }));
  EXPECT_EQ(recorder.disconnects_[1], "eof");
  for (int i = 0; i < 2000 && listener->stats().connect_failures < 3; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GE(listener->stats().connect_failures, 3u);
  EXPECT_FALSE(listener->stats().connected);

  server = TcpListen(port);
  peer = Fd(accept(server.get(), nullptr, nullptr));
  ASSERT_GE(peer.get(), 0);
  SendAll(peer.get(), "second life\n");
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.streams_[2] == "second life\n"; }));
  const FeedStats stats = listener->stats();
  EXPECT_TRUE(stats.connected);
  EXPECT_EQ(stats.connections_opened, 2u);
  EXPECT_EQ(stats.connections_closed, 1u);
  const std::lock_guard lock(recorder.mutex_);
  EXPECT_EQ(recorder.connects_.size(), 2u);
}


// ---- File replay -----------------------------------------------------------------------

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The end of a replay comes after the last handler call, so it is polled.
bool WaitFinished(const FeedListener& listener) {
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (!listener.stats().finished) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

FeedEndpoint File(const std::string& path, double speed = 0.0, bool loop = false) {
  FeedEndpoint endpoint;
  endpoint.transport = Transport::kFile;
  endpoint.path = path;
  endpoint.speed = speed;
  endpoint.loop = loop;
  return endpoint;
}

TEST(FeedListenerTest, FileIsReplayedAsAStreamAndFinishes) {
  const std::string path = "testdata/gmti/sample.4607";
  const std::string content = ReadFile(path);
  Recorder recorder;
  FeedEndpoint endpoint = File(path);
  endpoint.read_buffer = 100;  // several chunks, offsets checked by the recorder
  auto listener = StartOrDie(endpoint, &recorder);
  ASSERT_NE(listener, nullptr);
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.disconnects_.count(1) == 1; }));
  {
    const std::lock_guard lock(recorder.mutex_);
    EXPECT_EQ(recorder.connects_[1], path);
    EXPECT_EQ(recorder.streams_[1], content);
    EXPECT_EQ(recorder.disconnects_[1], "eof");
    EXPECT_EQ(recorder.connects_.size(), 1u);
  }
  ASSERT_TRUE(WaitFinished(*listener));
  const FeedStats stats = listener->stats();
  EXPECT_EQ(stats.bytes, content.size());
  EXPECT_EQ(stats.reads, (content.size() + 99) / 100);
  EXPECT_EQ(stats.passes, 1u);
  EXPECT_FALSE(stats.connected);
}

TEST(FeedListenerTest, FileLoopStartsOverWithANewPass) {
  const std::string path = "testdata/gmti/sample.4607";
  const std::string content = ReadFile(path);
  Recorder recorder;
  auto listener = StartOrDie(File(path, 0.0, /*loop=*/true), &recorder);
  ASSERT_NE(listener, nullptr);
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.disconnects_.count(3) == 1; }));
  listener->Stop();
  const std::lock_guard lock(recorder.mutex_);
  EXPECT_EQ(recorder.streams_[2], content);
  EXPECT_EQ(recorder.streams_[3], content);
  EXPECT_FALSE(listener->stats().finished);
}

TEST(FeedListenerTest, PcapCaptureIsReplayedDatagramByDatagramAtItsPace) {
  // testdata/asterix/croatiacontrol_cat_034_048.pcap: 100 Ethernet/IPv4/UDP frames over
  // 0.44 s of capture time, 6882 payload bytes. At speed 1 the replay takes that long.
  Recorder recorder;
  auto listener =
      StartOrDie(File("testdata/asterix/croatiacontrol_cat_034_048.pcap", 1.0), &recorder);
  ASSERT_NE(listener, nullptr);
  ASSERT_TRUE(WaitFinished(*listener));
  const FeedStats stats = listener->stats();
  EXPECT_EQ(stats.datagrams, 100u);
  EXPECT_EQ(stats.bytes, 6882u);
  EXPECT_EQ(stats.skipped_packets, 0u);
  EXPECT_EQ(stats.file_errors, 0u);
  const std::lock_guard lock(recorder.mutex_);
  ASSERT_THAT(recorder.datagrams_, SizeIs(100));
  // Every datagram is an ASTERIX data block stream: CAT 034 or 048, LEN within the payload.
  for (const std::string& d : recorder.datagrams_) {
    ASSERT_GE(d.size(), 3u);
    EXPECT_TRUE(d[0] == 34 || d[0] == 48) << int(d[0]);
  }
  // The peer names the capture record and the captured source address.
  EXPECT_EQ(recorder.peers_.count("testdata/asterix/croatiacontrol_cat_034_048.pcap byte 24 "
                                  "(10.17.58.184:21124)"),
            1u);
}

TEST(FeedListenerTest, MissingFileIsReportedByStart) {
  Recorder recorder;
  auto listener = FeedListener::Start("test", File("testdata/no/such.file"), &recorder);
  ASSERT_FALSE(listener.ok());
  EXPECT_EQ(listener.error().message(),
            "file testdata/no/such.file: open: No such file or directory");
}


// ---- TLS -------------------------------------------------------------------------------

std::string TempDir(const std::string& name) {
  std::string pattern = ::testing::TempDir() + "/biac_feed_" + name + "_XXXXXX";
  const char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  return pattern;
}

TEST(FeedListenerTest, TlsServerTakesClientsOfItsCaAndRefusesOthers) {
  const std::string dir = TempDir("ca");
  const auto ca = EnsureLocalCa(dir, {"localhost", "127.0.0.1"});
  ASSERT_TRUE(ca.ok()) << ca.error().message();
  ASSERT_TRUE(IssueClientCertificate(dir, "tak-1", dir + "/tak1", 1).ok());
  const std::string other = TempDir("other");
  ASSERT_TRUE(EnsureLocalCa(other, {"localhost"}).ok());
  ASSERT_TRUE(IssueClientCertificate(other, "intruder", other + "/intruder", 1).ok());

  Recorder recorder;
  FeedEndpoint endpoint;
  endpoint.transport = Transport::kTlsServer;
  endpoint.tls_certificate = ca->server_certificate;
  endpoint.tls_private_key = ca->server_key;
  endpoint.tls_client_ca = ca->ca_certificate;
  auto listener = StartOrDie(endpoint, &recorder);
  ASSERT_NE(listener, nullptr);

  TlsClientOptions good{.ca_file = ca->ca_certificate,
                        .client_cert = dir + "/tak1.pem",
                        .client_key = dir + "/tak1.key"};
  auto client = TlsStreamClient::Connect("127.0.0.1", listener->bound_port(), good);
  ASSERT_TRUE(client.ok()) << client.error().message();
  const std::string event = "<event uid='a'/>";
  ASSERT_TRUE((*client)->Write(event).ok());
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.streams_[1] == event; }));
  ASSERT_TRUE((*client)->Close().ok());
  ASSERT_TRUE(recorder.WaitUntil([&] { return recorder.disconnects_.count(1) == 1; }));

  // A certificate from another CA: the handshake fails (TLS 1.3: the client may only learn
  // it at its next read or write); the handler never hears of the connection.
  TlsClientOptions bad{.ca_file = ca->ca_certificate,
                       .client_cert = other + "/intruder.pem",
                       .client_key = other + "/intruder.key"};
  auto intruder = TlsStreamClient::Connect("127.0.0.1", listener->bound_port(), bad);
  if (intruder.ok()) {
    (void)(*intruder)->Write("<event uid='x'/>");
    (void)(*intruder)->Read(std::chrono::seconds(5));
  }
  // No client certificate at all.
  TlsClientOptions none{.ca_file = ca->ca_certificate};
  auto anonymous = TlsStreamClient::Connect("127.0.0.1", listener->bound_port(), none);
  if (anonymous.ok()) {
    (void)(*anonymous)->Write("<event uid='y'/>");
    (void)(*anonymous)->Read(std::chrono::seconds(5));
  }
  ASSERT_TRUE(recorder.WaitUntil([&] { return listener->stats().tls_failures == 2; }));
  const std::lock_guard lock(recorder.mutex_);
  EXPECT_EQ(recorder.connects_.size(), 1u);
  EXPECT_EQ(listener->stats().connections_opened, 1u);
}

}  // namespace
}  // namespace biac::net
