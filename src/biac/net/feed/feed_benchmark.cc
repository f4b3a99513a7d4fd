// Feed listener throughput on loopback through a handler that only counts: UDP datagrams per
// second (AIS-sized, 64 bytes, and ASTERIX-sized, 512 bytes) and TCP bytes per second. The
// sender runs in the benchmark thread, so the figures include its system calls on the same
// two cores.

#include "biac/net/feed/feed.h"

#include <benchmark/benchmark.h>

#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace biac::net {
namespace {

class Counter : public FeedHandler {
 public:
  void OnData(const Chunk& chunk) override {
    bytes.fetch_add(chunk.bytes.size(), std::memory_order_relaxed);
    reads.fetch_add(1, std::memory_order_relaxed);
  }
  std::atomic<uint64_t> bytes{0}, reads{0};
};

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in in = {};
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return in;
}

void BM_UdpDatagrams(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  Counter counter;
  FeedEndpoint endpoint;
  endpoint.transport = Transport::kUdp;
  auto listener = FeedListener::Start("bench", endpoint, &counter);
  if (!listener.ok()) {
    state.SkipWithError(listener.status().ToString().c_str());
    return;
  }
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  const sockaddr_in to = Loopback((*listener)->bound_port());
  connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof(to));
  // One sendmmsg(2) call per batch; the batch is far below the receive buffer.
  constexpr size_t kBatch = 64;
  // How far the sender may run ahead of the listener: well inside the receive buffer (64-byte
  // datagrams cost about 1 KiB of it each on loopback), so that nothing is dropped.
  constexpr size_t kAhead = 32 * kBatch;
  std::vector<uint8_t> payload(size, 'a');
  std::vector<iovec> vectors(kBatch, iovec{payload.data(), payload.size()});
  std::vector<mmsghdr> messages(kBatch);
  for (size_t i = 0; i < kBatch; ++i) {
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  uint64_t sent = 0;
  for (auto _ : state) {
    const int n = sendmmsg(fd, messages.data(), kBatch, 0);
    if (n > 0) sent += static_cast<uint64_t>(n);
    while (sent - counter.reads.load(std::memory_order_relaxed) -
               (*listener)->stats().kernel_drops >
           8 * kBatch) {
      std::this_thread::yield();
    }
  }
  while (counter.reads.load() + (*listener)->stats().kernel_drops < sent) std::this_thread::yield();
  const FeedStats stats = (*listener)->stats();
  state.SetItemsProcessed(static_cast<int64_t>(stats.datagrams));
  state.SetBytesProcessed(static_cast<int64_t>(stats.bytes));
  state.counters["kernel_drops"] = static_cast<double>(stats.kernel_drops);
  close(fd);
}
BENCHMARK(BM_UdpDatagrams)->Arg(64)->Arg(512)->UseRealTime();

void BM_TcpStream(benchmark::State& state) {
  Counter counter;
  FeedEndpoint endpoint;
  endpoint.transport = Transport::kTcpServer;
  auto listener = FeedListener::Start("bench", endpoint, &counter);
  if (!listener.ok()) {
    state.SkipWithError(listener.status().ToString().c_str());
    return;
  }
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const sockaddr_in to = Loopback((*listener)->bound_port());
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof(to)) != 0) {
    state.SkipWithError("connect");
    return;
  }
  const std::vector<uint8_t> block(256 * 1024, 'b');
  uint64_t sent = 0;
  for (auto _ : state) {
    size_t done = 0;
    while (done < block.size()) {
      const ssize_t n = send(fd, block.data() + done, block.size() - done, MSG_NOSIGNAL);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    sent += done;
  }
  while (counter.bytes.load() < sent) std::this_thread::yield();
  state.SetBytesProcessed(static_cast<int64_t>(sent));
  state.SetItemsProcessed(static_cast<int64_t>(counter.reads.load()));  // reads (OnData calls)
  close(fd);
}
BENCHMARK(BM_TcpStream)->UseRealTime();

}  // namespace
}  // namespace biac::net

BENCHMARK_MAIN();
