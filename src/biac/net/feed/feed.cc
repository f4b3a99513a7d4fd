#include "biac/net/feed/feed.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/multicast.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <fmt/format.h>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <utility>
#include <vector>

#include "biac/base/log.h"
#include "biac/base/thread.h"

namespace biac::net {

namespace asio = boost::asio;
using Tcp = asio::ip::tcp;
using Udp = asio::ip::udp;
using ErrorCode = boost::system::error_code;

namespace {

// Datagrams read per readiness wake-up before the thread looks at other work (Stop()).
constexpr int kDatagramsPerWakeup = 256;
// Datagrams read per recvmmsg(2) call, and the most memory their buffers may take.
constexpr size_t kDatagramBatch = 16;
constexpr size_t kDatagramBatchBytes = size_t{1} << 20;
// After a failed accept (e.g. out of file descriptors), wait this long before the next one.
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

std::string FormatPeer(const asio::ip::address& address, uint16_t port) {
  if (address.is_v6()) return fmt::format("[{}]:{}", address.to_string(), port);
  return fmt::format("{}:{}", address.to_string(), port);
}

std::string FormatPeer(const sockaddr_storage& from) {
  char text[INET6_ADDRSTRLEN] = {};
  if (from.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&from);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    return fmt::format("{}:{}", text, ntohs(in->sin_port));
  }
  if (from.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&from);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    return fmt::format("[{}]:{}", text, ntohs(in6->sin6_port));
  }
  return "?";
}

// ---- pcap (the libpcap file format: pcap-savefile(5); IETF draft-ietf-opsawg-pcap) -----

constexpr size_t kPcapFileHeaderBytes = 24;
constexpr size_t kPcapRecordHeaderBytes = 16;
constexpr uint32_t kPcapMagicMicros = 0xA1B2C3D4;
constexpr uint32_t kPcapMagicNanos = 0xA1B23C4D;
constexpr size_t kPcapLinkTypeOffset = 20;
// The largest record biac reads (snaplen is at most 262144 in libpcap).
constexpr uint32_t kPcapMaxRecordBytes = 262144;
// Link types (tcpdump.org/linktypes.html) and their header sizes.
constexpr uint32_t kLinkNull = 0;          // BSD loopback: 4-byte address family, host order
constexpr uint32_t kLinkEthernet = 1;      // 14 bytes, EtherType at 12 (802.1Q tags: +4 each)
constexpr uint32_t kLinkRaw = 101;         // IPv4 or IPv6, no link header
constexpr uint32_t kLinkLinuxSll = 113;    // 16 bytes, protocol at 14
constexpr uint32_t kLinkIpv4 = 228;
constexpr uint32_t kLinkLinuxSll2 = 276;   // 20 bytes, protocol at 0
constexpr size_t kEthernetHeaderBytes = 14;
constexpr size_t kEtherTypeOffset = 12;
constexpr uint16_t kEtherTypeVlan = 0x8100;
constexpr size_t kVlanTagBytes = 4;
constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86DD;
constexpr size_t kNullHeaderBytes = 4;
constexpr size_t kSllHeaderBytes = 16;
constexpr size_t kSllProtocolOffset = 14;
constexpr size_t kSll2HeaderBytes = 20;
// RFC 791 IPv4, RFC 8200 IPv6 (no extension headers read), RFC 768 UDP.
constexpr size_t kIpv4MinHeaderBytes = 20;
constexpr size_t kIpv4ProtocolOffset = 9;
constexpr size_t kIpv4FlagsOffset = 6;
constexpr uint16_t kIpv4MoreFragments = 0x2000;
constexpr uint16_t kIpv4FragmentOffsetMask = 0x1FFF;
constexpr size_t kIpv4SourceOffset = 12;
constexpr size_t kIpv6HeaderBytes = 40;
constexpr size_t kIpv6NextHeaderOffset = 6;
constexpr uint8_t kProtocolUdp = 17;
constexpr size_t kUdpHeaderBytes = 8;
constexpr size_t kUdpLengthOffset = 4;

uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// The UDP payload of one captured frame, or nothing (another protocol, a fragment, cut short).
// `peer` gets the IPv4 source "a.b.c.d:port" (IPv6: "[...]:port").
std::optional<std::span<const uint8_t>> UdpPayload(uint32_t link_type,
                                                   std::span<const uint8_t> frame,
                                                   std::string& peer) {
  size_t ip = 0;
  uint16_t ether_type = 0;
  switch (link_type) {
    case kLinkEthernet: {
      size_t at = kEtherTypeOffset;
      if (frame.size() < kEthernetHeaderBytes) return std::nullopt;
      ether_type = Be16(frame.data() + at);
      while (ether_type == kEtherTypeVlan && frame.size() >= at + kVlanTagBytes + 2) {
        at += kVlanTagBytes;
        ether_type = Be16(frame.data() + at);
      }
      ip = at + 2;
      break;
    }
    case kLinkNull:
      if (frame.size() < kNullHeaderBytes) return std::nullopt;
      ip = kNullHeaderBytes;
      break;
    case kLinkRaw:
    case kLinkIpv4:
      break;
    case kLinkLinuxSll:
      if (frame.size() < kSllHeaderBytes) return std::nullopt;
      ether_type = Be16(frame.data() + kSllProtocolOffset);
      ip = kSllHeaderBytes;
      break;
    case kLinkLinuxSll2:
      if (frame.size() < kSll2HeaderBytes) return std::nullopt;
      ether_type = Be16(frame.data());
      ip = kSll2HeaderBytes;
      break;
    default:
      return std::nullopt;
  }
  if (ether_type != 0 && ether_type != kEtherTypeIpv4 && ether_type != kEtherTypeIpv6) {
    return std::nullopt;
  }
  if (ip >= frame.size()) return std::nullopt;
  const std::span<const uint8_t> packet = frame.subspan(ip);
  const unsigned version = packet[0] >> 4;
  size_t udp = 0;
  char address[INET6_ADDRSTRLEN] = {};
  if (version == 4) {
    const size_t header = size_t{packet[0] & 0x0Fu} * 4;
    if (header < kIpv4MinHeaderBytes || packet.size() < header + kUdpHeaderBytes) {
      return std::nullopt;
    }
    const uint16_t flags = Be16(packet.data() + kIpv4FlagsOffset);
    if (packet[kIpv4ProtocolOffset] != kProtocolUdp ||
        (flags & (kIpv4MoreFragments | kIpv4FragmentOffsetMask)) != 0) {
      return std::nullopt;
    }
    inet_ntop(AF_INET, packet.data() + kIpv4SourceOffset, address, sizeof(address));
    udp = header;
  } else if (version == 6) {
    if (packet.size() < kIpv6HeaderBytes + kUdpHeaderBytes ||
        packet[kIpv6NextHeaderOffset] != kProtocolUdp) {
      return std::nullopt;
    }
    inet_ntop(AF_INET6, packet.data() + 8, address, sizeof(address));
    udp = kIpv6HeaderBytes;
  } else {
    return std::nullopt;
  }
  const uint16_t length = Be16(packet.data() + udp + kUdpLengthOffset);
  if (length < kUdpHeaderBytes || udp + length > packet.size()) return std::nullopt;
  const uint16_t port = Be16(packet.data() + udp);
  peer = version == 4 ? fmt::format("{}:{}", address, port) : fmt::format("[{}]:{}", address, port);
  return packet.subspan(udp + kUdpHeaderBytes, length - kUdpHeaderBytes);
}

}  // namespace

std::string_view TransportName(Transport transport) {
  switch (transport) {
    case Transport::kUdp:
      return "udp";
    case Transport::kTcpClient:
      return "tcp-client";
    case Transport::kTcpServer:
      return "tcp-server";
    case Transport::kFile:
      return "file";
    case Transport::kTlsServer:
      return "tls-server";
  }
  return "?";
}

class FeedListener::Impl {
 public:
  Impl(std::string name, const FeedEndpoint& endpoint, FeedHandler* handler)
      : name_(std::move(name)),
        endpoint_(endpoint),
        handler_(handler),
        work_(asio::make_work_guard(io_)),
        udp_socket_(io_),
        acceptor_(io_),
        timer_(io_),
        resolver_(io_),
        backoff_(endpoint.reconnect_min) {}

  Status Open();
  void StartThread() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop();
  FeedStats Stats() const;

  const std::string& name() const { return name_; }
  const FeedEndpoint& endpoint() const { return endpoint_; }
  uint16_t bound_port() const { return bound_port_; }

 private:
  struct Connection {
    explicit Connection(Tcp::socket s, size_t buffer_size)
        : socket(std::move(s)), buffer(buffer_size) {}
    Tcp::socket& Lowest() { return tls ? tls->next_layer() : socket; }
    Tcp::socket socket;                                   // moved into `tls` for TLS
    std::unique_ptr<asio::ssl::stream<Tcp::socket>> tls;  // tls-server
    std::unique_ptr<asio::steady_timer> handshake_timer;  // tls-server, during the handshake
    uint64_t id = 0;
    std::string peer;
    uint64_t offset = 0;
    std::vector<uint8_t> buffer;
  };
  using ConnectionPtr = std::shared_ptr<Connection>;

  // The endpoint as text for messages: "udp 127.0.0.1:5000".
  std::string Where() const {
    if (endpoint_.transport == Transport::kFile) return "file " + endpoint_.path;
    return fmt::format("{} {}:{}", TransportName(endpoint_.transport), endpoint_.host,
                       endpoint_.port);
  }
  Status Fail(std::string_view what, const ErrorCode& error) const {
    return Unavailable(fmt::format("{}: {}: {}", Where(), what, error.message()));
  }

  Status OpenUdp();
  Status OpenTcpServer();
  Status CheckTcpClient() const;
  Status OpenFile();
  Status OpenTlsContext();
  void Handshake(std::shared_ptr<Connection> connection, const Tcp::endpoint& peer);

  // file: one step of the replay (a chunk, or one pcap record), then the next is posted.
  void StartPass();
  void ReadFileStep();
  void ReadPcapRecord();
  void EndPass(std::string_view reason);

  void Run();
  void Shutdown();
  // Calls the handler; an exception it throws is logged and reported as false (the
  // connection is then closed), never let out of the listener thread.
  template <typename Call>
  bool CallHandler(std::string_view what, Call&& call);

  void WaitDatagrams();
  void ReadDatagrams();

  void Accept();
  void Connect();
  void ConnectTo(std::vector<Tcp::endpoint> endpoints);
  void ConnectFailed(std::string_view reason);
  void ScheduleReconnect();
  void Opened(const ConnectionPtr& connection, const Tcp::endpoint& peer);
  void Read(const ConnectionPtr& connection);
  void Close(ConnectionPtr connection, std::string_view reason);

  const std::string name_;
  const FeedEndpoint endpoint_;
  FeedHandler* const handler_;

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  Udp::socket udp_socket_;
  Tcp::acceptor acceptor_;
  asio::steady_timer timer_;  // tcp client: reconnect back-off; tcp server: accept retry
  Tcp::resolver resolver_;
  std::thread thread_;
  uint16_t bound_port_ = 0;

  // Listener thread only.
  bool stopping_ = false;
  std::map<uint64_t, ConnectionPtr> connections_;
  ConnectionPtr connecting_;  // tcp client: the socket of the attempt in progress
  uint64_t next_connection_ = 1;
  Duration backoff_;
  struct DatagramSlot {  // one datagram of a recvmmsg batch
    sockaddr_storage from = {};
    iovec vector = {};  // into datagrams_buffer_
    alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(uint32_t))] = {};
  };
  std::vector<uint8_t> datagrams_buffer_;
  std::vector<DatagramSlot> slots_;
  std::vector<mmsghdr> messages_;
  uint64_t datagram_index_ = 0;
  sockaddr_storage last_from_ = {};
  std::string last_peer_;

  std::unique_ptr<asio::ssl::context> tls_context_;
  std::set<std::shared_ptr<Connection>> handshaking_;  // tls-server: not yet Opened()

  // file
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, FileCloser> file_;
  bool pcap_ = false;
  bool pcap_swapped_ = false;  // the capture's byte order is not ours
  bool pcap_nanos_ = false;
  uint32_t pcap_link_type_ = 0;
  uint64_t file_offset_ = 0;
  uint64_t pass_ = 0;
  std::vector<uint8_t> file_buffer_;
  std::string file_peer_;
  std::optional<std::chrono::steady_clock::time_point> pace_wall_;  // pcap: first record's
  int64_t pace_capture_ns_ = 0;                                     // wall and capture times

  std::mutex stop_mutex_;
  std::atomic<bool> stop_requested_{false};

  // Statistics: written on the listener thread, read anywhere.
  std::atomic<uint64_t> bytes_{0}, reads_{0}, datagrams_{0}, opened_{0}, closed_{0},
      connect_failures_{0}, refused_{0}, kernel_drops_{0}, truncated_{0}, receive_buffer_{0},
      passes_{0}, file_errors_{0}, skipped_packets_{0}, tls_failures_{0};
  std::atomic<bool> connected_{false}, finished_{false};
};

Status FeedListener::Impl::Open() {
  if (handler_ == nullptr) return InvalidArgument(fmt::format("{}: no handler", Where()));
  if (endpoint_.read_buffer == 0) {
    return InvalidArgument(fmt::format("{}: read_buffer must be positive", Where()));
  }
  switch (endpoint_.transport) {
    case Transport::kUdp:
      return OpenUdp();
    case Transport::kTcpServer:
      return OpenTcpServer();
    case Transport::kTcpClient:
      return CheckTcpClient();
    case Transport::kFile:
      return OpenFile();
    case Transport::kTlsServer: {
      BIAC_RETURN_IF_ERROR(OpenTlsContext());
      return OpenTcpServer();
    }
  }
  return Internal(fmt::format("{}: unknown transport", Where()));
}

Status FeedListener::Impl::OpenUdp() {
  ErrorCode error;
  const auto interface_address = asio::ip::make_address(endpoint_.host, error);
  if (error) {
    return InvalidArgument(
        fmt::format("{}: host \"{}\" is not an IP address", Where(), endpoint_.host));
  }
  Udp::endpoint bind_to(interface_address, endpoint_.port);
  std::optional<asio::ip::address_v4> group;
  if (!endpoint_.multicast_group.empty()) {
    const auto address = asio::ip::make_address_v4(endpoint_.multicast_group, error);
    if (error || !address.is_multicast() || !interface_address.is_v4()) {
      return InvalidArgument(
          fmt::format("{}: multicast_group \"{}\" is not an IPv4 multicast address on an IPv4 host",
                      Where(), endpoint_.multicast_group));
    }
    group = address;
    // Bound to the group address, the socket receives that group's datagrams only (Linux
    // ip(7)), not every datagram to the port.
    bind_to = Udp::endpoint(*group, endpoint_.port);
  }
  udp_socket_.open(bind_to.protocol(), error);
  if (error) return Fail("open", error);
  if (group) {
    // Several listeners (or programs) may join the same group and port.
    udp_socket_.set_option(asio::socket_base::reuse_address(true), error);
    if (error) {
      return Fail("SO_REUSEADDR", error);
    }
  }
  const int requested = static_cast<int>(
      std::min<size_t>(endpoint_.udp_receive_buffer, std::numeric_limits<int>::max() / 2));
  udp_socket_.set_option(asio::socket_base::receive_buffer_size(requested), error);
  if (error) {
    return Fail("SO_RCVBUF", error);
  }
  // socket(7) SO_RXQ_OVFL: each datagram carries the socket's count of dropped datagrams.
  const int enable = 1;
  if (setsockopt(udp_socket_.native_handle(), SOL_SOCKET, SO_RXQ_OVFL, &enable, sizeof(enable)) !=
      0) {
    return Fail("SO_RXQ_OVFL", ErrorCode(errno, boost::system::system_category()));
  }
  udp_socket_.bind(bind_to, error);
  if (error) return Fail("bind", error);
  if (group) {
    udp_socket_.set_option(asio::ip::multicast::join_group(*group, interface_address.to_v4()),
                           error);
    if (error) {
      return Fail(fmt::format("join {}", endpoint_.multicast_group), error);
    }
  }
  asio::socket_base::receive_buffer_size granted;
  udp_socket_.get_option(granted, error);
  if (!error) {
    receive_buffer_ = static_cast<uint64_t>(granted.value());
    // The kernel reports twice the usable size (socket(7)); less than asked means rmem_max.
    if (static_cast<size_t>(granted.value()) < endpoint_.udp_receive_buffer) {
      log::Warning("feed {}: {}: receive buffer {} bytes granted, {} asked (net.core.rmem_max)",
                   name_, Where(), granted.value(), endpoint_.udp_receive_buffer);
    }
  }
  const auto local = udp_socket_.local_endpoint(error);
  if (error) return Fail("local endpoint", error);
  bound_port_ = local.port();
  const size_t batch =
      std::clamp<size_t>(kDatagramBatchBytes / endpoint_.read_buffer, 1, kDatagramBatch);
  datagrams_buffer_.resize(batch * endpoint_.read_buffer);
  slots_.resize(batch);
  messages_.resize(batch);
  for (size_t i = 0; i < batch; ++i) {
    slots_[i].vector = {datagrams_buffer_.data() + i * endpoint_.read_buffer,
                        endpoint_.read_buffer};
  }
  WaitDatagrams();
  return Status::Ok();
}

Status FeedListener::Impl::OpenTcpServer() {
  if (endpoint_.max_connections == 0) {
    return InvalidArgument(fmt::format("{}: max_connections must be positive", Where()));
  }
  ErrorCode error;
  const auto address = asio::ip::make_address(endpoint_.host, error);
  if (error) {
    return InvalidArgument(
        fmt::format("{}: host \"{}\" is not an IP address", Where(), endpoint_.host));
  }
  const Tcp::endpoint bind_to(address, endpoint_.port);
  acceptor_.open(bind_to.protocol(), error);
  if (error) return Fail("open", error);
  // A restarted node rebinds its port while old connections sit in TIME_WAIT.
  acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  if (error) {
    return Fail("SO_REUSEADDR", error);
  }
  acceptor_.bind(bind_to, error);
  if (error) return Fail("bind", error);
  acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return Fail("listen", error);
  }
  const auto local = acceptor_.local_endpoint(error);
  if (error) return Fail("local endpoint", error);
  bound_port_ = local.port();
  Accept();
  return Status::Ok();
}

Status FeedListener::Impl::CheckTcpClient() const {
  if (endpoint_.host.empty() || endpoint_.port == 0) {
    return InvalidArgument(fmt::format("{}: a tcp client needs a host and a port", Where()));
  }
  if (endpoint_.reconnect_min <= Duration::zero() ||
      endpoint_.reconnect_max < endpoint_.reconnect_min) {
    return InvalidArgument(fmt::format(
        "{}: reconnect_min must be positive and reconnect_max at least reconnect_min", Where()));
  }
  return Status::Ok();
}

void FeedListener::Impl::Run() {
  NameThisThread("biac-feed");
  if (endpoint_.transport == Transport::kTcpClient) asio::post(io_, [this] { Connect(); });
  if (endpoint_.transport == Transport::kFile) asio::post(io_, [this] { StartPass(); });
  // No exception may leave the thread. Handler calls are guarded by CallHandler; this is the
  // last line (io_context::run may be called again after a completion handler threw).
  for (;;) {
    try {
      io_.run();
      return;
    } catch (const std::exception& exception) {
      log::Error("feed {}: {}", name_, exception.what());
    } catch (...) {
      log::Error("feed {}: unknown exception", name_);
    }
  }
}

template <typename Call>
bool FeedListener::Impl::CallHandler(std::string_view what, Call&& call) {
  try {
    call();
    return true;
  } catch (const std::exception& exception) {
    log::Error("feed {}: {} threw: {}", name_, what, exception.what());
  } catch (...) {
    log::Error("feed {}: {} threw", name_, what);
  }
  return false;
}

void FeedListener::Impl::Stop() {
  const std::lock_guard lock(stop_mutex_);
  if (!thread_.joinable()) return;
  stop_requested_ = true;
  handler_->Interrupt();
  asio::post(io_, [this] { Shutdown(); });
  thread_.join();
}

void FeedListener::Impl::Shutdown() {
  stopping_ = true;
  ErrorCode ignored;
  timer_.cancel();
  resolver_.cancel();
  acceptor_.close(ignored);
  udp_socket_.close(ignored);
  if (connecting_) connecting_->socket.close(ignored);
  connecting_.reset();
  while (!connections_.empty()) Close(connections_.begin()->second, "stopped");
  for (const ConnectionPtr& connection : handshaking_) {
    connection->handshake_timer->cancel();
    connection->Lowest().close(ignored);
  }
  if (endpoint_.transport == Transport::kFile && connected_) EndPass("stopped");
  work_.reset();
}

FeedStats FeedListener::Impl::Stats() const {
  FeedStats stats;
  stats.bytes = bytes_;
  stats.reads = reads_;
  stats.datagrams = datagrams_;
  stats.connections_opened = opened_;
  stats.connections_closed = closed_;
  stats.connect_failures = connect_failures_;
  stats.connections_refused = refused_;
  stats.kernel_drops = kernel_drops_;
  stats.truncated = truncated_;
  stats.receive_buffer = receive_buffer_;
  stats.connected = connected_;
  stats.passes = passes_;
  stats.file_errors = file_errors_;
  stats.skipped_packets = skipped_packets_;
  stats.finished = finished_;
  stats.tls_failures = tls_failures_;
  return stats;
}

// ---- UDP -------------------------------------------------------------------------------

void FeedListener::Impl::WaitDatagrams() {
  udp_socket_.async_wait(Udp::socket::wait_read, [this](const ErrorCode& error) {
    if (stopping_) return;
    if (error) {
      log::Error("feed {}: {}: wait: {}", name_, Where(), error.message());
      return;
    }
    ReadDatagrams();
  });
}

// Datagrams are read with recvmmsg(2) rather than Asio's receive_from: in batches (one system
// call for up to kDatagramBatch datagrams), and because the drop counter of SO_RXQ_OVFL
// arrives as ancillary data.
void FeedListener::Impl::ReadDatagrams() {
  const int fd = udp_socket_.native_handle();
  const size_t batch = slots_.size();
  for (int read = 0; read < kDatagramsPerWakeup && !stop_requested_;) {
    for (size_t i = 0; i < batch; ++i) {
      msghdr& header = messages_[i].msg_hdr;
      header.msg_name = &slots_[i].from;
      header.msg_namelen = sizeof(slots_[i].from);
      header.msg_iov = &slots_[i].vector;
      header.msg_iovlen = 1;
      header.msg_control = slots_[i].control;
      header.msg_controllen = sizeof(slots_[i].control);
      header.msg_flags = 0;
    }
    const int received =
        recvmmsg(fd, messages_.data(), static_cast<unsigned>(batch), MSG_DONTWAIT, nullptr);
    if (received < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        log::Warning("feed {}: {}: recvmmsg: {}", name_, Where(), std::strerror(errno));
      }
      break;
    }
    for (int i = 0; i < received && !stop_requested_; ++i) {
      msghdr& header = messages_[i].msg_hdr;
      DatagramSlot& slot = slots_[i];
      for (cmsghdr* control = CMSG_FIRSTHDR(&header); control != nullptr;
           control = CMSG_NXTHDR(&header, control)) {
        if (control->cmsg_level == SOL_SOCKET && control->cmsg_type == SO_RXQ_OVFL) {
          uint32_t drops = 0;
          std::memcpy(&drops, CMSG_DATA(control), sizeof(drops));
          kernel_drops_ = drops;
        }
      }
      if ((header.msg_flags & MSG_TRUNC) != 0) ++truncated_;
      if (last_peer_.empty() || std::memcmp(&slot.from, &last_from_, sizeof(slot.from)) != 0) {
        last_from_ = slot.from;
        last_peer_ = FormatPeer(slot.from);
      }
      const size_t size = std::min<size_t>(messages_[i].msg_len, slot.vector.iov_len);
      bytes_ += size;
      ++reads_;
      ++datagrams_;
      Chunk chunk;
      chunk.bytes = {static_cast<const uint8_t*>(slot.vector.iov_base), size};
      chunk.offset = datagram_index_++;
      chunk.datagram = true;
      chunk.peer = last_peer_;
      CallHandler("OnData", [&] { handler_->OnData(chunk); });
    }
    read += received;
    if (static_cast<size_t>(received) < batch) break;  // the socket is drained
  }
  if (stop_requested_) return;
  WaitDatagrams();
}

// ---- TCP -------------------------------------------------------------------------------

void FeedListener::Impl::Accept() {
  acceptor_.async_accept([this](const ErrorCode& error, Tcp::socket socket) {
    if (stopping_) return;
    if (error) {
      log::Warning("feed {}: {}: accept: {}", name_, Where(), error.message());
      timer_.expires_after(kAcceptRetry);
      timer_.async_wait([this](const ErrorCode& wait_error) {
        if (!stopping_ && !wait_error) Accept();
      });
      return;
    }
    Accept();
    ErrorCode ignored;
    if (connections_.size() >= endpoint_.max_connections) {
      ++refused_;
      socket.close(ignored);
      return;
    }
    const auto peer = socket.remote_endpoint(ignored);
    auto connection = std::make_shared<Connection>(std::move(socket), endpoint_.read_buffer);
    if (tls_context_) {
      Handshake(std::move(connection), peer);
      return;
    }
    Opened(connection, peer);
  });
}

// The TLS handshake of an accepted connection; the handler hears of the connection only once
// it succeeded. A peer that does not complete it within tls_handshake_timeout is dropped.
// Handshakes in progress are not counted against max_connections and not closed by Stop()
// (their sockets close with the io_context).
void FeedListener::Impl::Handshake(std::shared_ptr<Connection> connection,
                                   const Tcp::endpoint& peer) {
  connection->tls = std::make_unique<asio::ssl::stream<Tcp::socket>>(
      std::move(connection->socket), *tls_context_);
  connection->handshake_timer = std::make_unique<asio::steady_timer>(io_);
  connection->handshake_timer->expires_after(endpoint_.tls_handshake_timeout);
  Connection* raw = connection.get();
  connection->handshake_timer->async_wait([raw](const ErrorCode& error) {
    if (error) return;  // cancelled: the handshake ended first
    ErrorCode ignored;
    raw->Lowest().close(ignored);  // the handshake then fails
  });
  handshaking_.insert(connection);
  connection->tls->async_handshake(
      asio::ssl::stream_base::server, [this, connection, peer](const ErrorCode& error) {
        connection->handshake_timer->cancel();
        handshaking_.erase(connection);
        if (stopping_) return;
        if (error) {
          ++tls_failures_;
          log::Warning("feed {}: {}: TLS handshake with {} failed: {}", name_, Where(),
                       FormatPeer(peer.address(), peer.port()), error.message());
          ErrorCode ignored;
          connection->Lowest().close(ignored);
          return;
        }
        if (connections_.size() >= endpoint_.max_connections) {
          ++refused_;
          ErrorCode ignored;
          connection->Lowest().close(ignored);
          return;
        }
        if (X509* certificate = SSL_get0_peer_certificate(connection->tls->native_handle())) {
          char subject[256] = {};
          X509_NAME_oneline(X509_get_subject_name(certificate), subject, sizeof(subject));
          log::Info("feed {}: {}: TLS client {} ({})", name_, Where(),
                    FormatPeer(peer.address(), peer.port()), subject);
        }
        Opened(connection, peer);
      });
}

void FeedListener::Impl::Connect() {
  if (stopping_) return;
  ErrorCode error;
  const auto address = asio::ip::make_address(endpoint_.host, error);
  if (!error) {
    ConnectTo({Tcp::endpoint(address, endpoint_.port)});
    return;
  }
  resolver_.async_resolve(
      endpoint_.host, std::to_string(endpoint_.port),
      [this](const ErrorCode& resolve_error, const Tcp::resolver::results_type& results) {
        if (stopping_) return;
        if (resolve_error) {
          ConnectFailed(fmt::format("resolve: {}", resolve_error.message()));
          return;
        }
        std::vector<Tcp::endpoint> endpoints;
        for (const auto& entry : results) endpoints.push_back(entry.endpoint());
        ConnectTo(std::move(endpoints));
      });
}

void FeedListener::Impl::ConnectTo(std::vector<Tcp::endpoint> endpoints) {
  connecting_ = std::make_shared<Connection>(Tcp::socket(io_), endpoint_.read_buffer);
  asio::async_connect(
      connecting_->socket, endpoints,
      [this, connection = connecting_](const ErrorCode& error, const Tcp::endpoint& peer) {
        if (stopping_) return;
        connecting_.reset();
        if (error) {
          ConnectFailed(error.message());
          return;
        }
        backoff_ = endpoint_.reconnect_min;
        Opened(connection, peer);
      });
}

void FeedListener::Impl::ConnectFailed(std::string_view reason) {
  ++connect_failures_;
  log::Debug("feed {}: {}: connect: {}; retrying in {} ms", name_, Where(), reason,
             std::chrono::duration_cast<std::chrono::milliseconds>(backoff_).count());
  ScheduleReconnect();
}

void FeedListener::Impl::ScheduleReconnect() {
  timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, endpoint_.reconnect_max);
  timer_.async_wait([this](const ErrorCode& error) {
    if (!stopping_ && !error) Connect();
  });
}

void FeedListener::Impl::Opened(const ConnectionPtr& connection, const Tcp::endpoint& peer) {
  connection->id = next_connection_++;
  connection->peer = FormatPeer(peer.address(), peer.port());
  connections_[connection->id] = connection;
  ++opened_;
  connected_ = true;
  if (!CallHandler("OnConnect", [&] { handler_->OnConnect(connection->id, connection->peer); })) {
    Close(connection, "handler failed");
    return;
  }
  if (stop_requested_) return;
  Read(connection);
}

void FeedListener::Impl::Read(const ConnectionPtr& connection) {
  auto on_read = [this, connection](const ErrorCode& error, size_t size) {
        if (stopping_) return;
        if (error) {
          // A TLS peer that closes without close_notify ends the stream just the same.
          const bool eof =
              error == asio::error::eof || error == asio::ssl::error::stream_truncated;
          Close(connection, eof ? "eof" : error.message());
          return;
        }
        bytes_ += size;
        ++reads_;
        Chunk chunk;
        chunk.bytes = {connection->buffer.data(), size};
        chunk.connection = connection->id;
        chunk.offset = connection->offset;
        chunk.peer = connection->peer;
        connection->offset += size;
        if (!CallHandler("OnData", [&] { handler_->OnData(chunk); })) {
          Close(connection, "handler failed");
          return;
        }
        if (stop_requested_) return;
        Read(connection);
      };
  if (connection->tls) {
    connection->tls->async_read_some(asio::buffer(connection->buffer), std::move(on_read));
  } else {
    connection->socket.async_read_some(asio::buffer(connection->buffer), std::move(on_read));
  }
}

void FeedListener::Impl::Close(ConnectionPtr connection, std::string_view reason) {
  ErrorCode ignored;
  connection->Lowest().close(ignored);
  connections_.erase(connection->id);
  ++closed_;
  connected_ = !connections_.empty();
  CallHandler("OnDisconnect", [&] { handler_->OnDisconnect(connection->id, reason); });
  if (endpoint_.transport == Transport::kTcpClient && !stopping_) ScheduleReconnect();
}

// ---- TLS -------------------------------------------------------------------------------

Status FeedListener::Impl::OpenTlsContext() {
  if (endpoint_.tls_certificate.empty() || endpoint_.tls_private_key.empty()) {
    return InvalidArgument(fmt::format("{}: tls_certificate and tls_private_key are required",
                                       Where()));
  }
  tls_context_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = tls_context_->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  tls_context_->set_options(asio::ssl::context::default_workarounds |
                            asio::ssl::context::no_compression);
  ErrorCode error;
  tls_context_->use_certificate_chain_file(endpoint_.tls_certificate, error);
  if (error) {
    return InvalidArgument(
        fmt::format("{}: {}: certificate chain: {}", Where(), endpoint_.tls_certificate,
                    error.message()));
  }
  tls_context_->use_private_key_file(endpoint_.tls_private_key, asio::ssl::context::pem, error);
  if (error) {
    return InvalidArgument(fmt::format("{}: {}: private key: {}", Where(),
                                       endpoint_.tls_private_key, error.message()));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return InvalidArgument(fmt::format("{}: {} does not match {}", Where(),
                                       endpoint_.tls_private_key, endpoint_.tls_certificate));
  }
  if (endpoint_.tls_client_ca.empty()) return Status::Ok();
  tls_context_->load_verify_file(endpoint_.tls_client_ca, error);
  if (error) {
    return InvalidArgument(fmt::format("{}: {}: client CA: {}", Where(), endpoint_.tls_client_ca,
                                       error.message()));
  }
  // The CA names sent in the CertificateRequest (RFC 8446 §4.2.4 certificate_authorities).
  if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(endpoint_.tls_client_ca.c_str())) {
    SSL_CTX_set_client_CA_list(native, names);  // takes ownership
  } else {
    ERR_clear_error();
  }
  tls_context_->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert,
                                error);
  if (error) return Internal(fmt::format("{}: set_verify_mode: {}", Where(), error.message()));
  return Status::Ok();
}

// ---- File replay -----------------------------------------------------------------------

Status FeedListener::Impl::OpenFile() {
  if (endpoint_.path.empty()) return InvalidArgument("file: no path");
  if (!(endpoint_.speed >= 0.0)) {
    return InvalidArgument(fmt::format("{}: speed {} is negative", Where(), endpoint_.speed));
  }
  file_.reset(std::fopen(endpoint_.path.c_str(), "rb"));
  if (!file_) {
    return Unavailable(fmt::format("{}: open: {}", Where(), std::strerror(errno)));
  }
  uint8_t header[kPcapFileHeaderBytes];
  const size_t got = std::fread(header, 1, sizeof(header), file_.get());
  if (got == sizeof(header)) {
    uint32_t little = 0, big = 0;
    for (int i = 3; i >= 0; --i) little = little << 8 | header[i];
    for (int i = 0; i < 4; ++i) big = big << 8 | header[i];
    if (little == kPcapMagicMicros || little == kPcapMagicNanos || big == kPcapMagicMicros ||
        big == kPcapMagicNanos) {
      pcap_ = true;
      const bool is_little = little == kPcapMagicMicros || little == kPcapMagicNanos;
      pcap_nanos_ = (is_little ? little : big) == kPcapMagicNanos;
      pcap_swapped_ = !is_little;  // stored as big-endian: read fields big-endian
      uint32_t link = 0;
      for (int i = 0; i < 4; ++i) {
        const uint8_t b = header[kPcapLinkTypeOffset + (is_little ? 3 - i : i)];
        link = link << 8 | b;
      }
      pcap_link_type_ = link;
    }
  }
  file_buffer_.resize(pcap_ ? kPcapMaxRecordBytes : endpoint_.read_buffer);
  file_peer_ = endpoint_.path;
  return Status::Ok();
}

void FeedListener::Impl::StartPass() {
  if (stopping_) return;
  std::rewind(file_.get());
  file_offset_ = 0;
  if (pcap_) {
    std::fseek(file_.get(), static_cast<long>(kPcapFileHeaderBytes), SEEK_SET);
    file_offset_ = kPcapFileHeaderBytes;
    pace_wall_.reset();
  }
  pass_ = ++passes_;
  ++opened_;
  connected_ = true;
  if (!pcap_ && !CallHandler("OnConnect", [&] { handler_->OnConnect(pass_, file_peer_); })) {
    EndPass("handler failed");
    return;
  }
  asio::post(io_, [this] { ReadFileStep(); });
}

void FeedListener::Impl::EndPass(std::string_view reason) {
  connected_ = false;
  ++closed_;
  if (!pcap_) CallHandler("OnDisconnect", [&] { handler_->OnDisconnect(pass_, reason); });
  if (stopping_ || reason != "eof") return;
  if (endpoint_.loop) {
    asio::post(io_, [this] { StartPass(); });
    return;
  }
  finished_ = true;
  log::Info("feed {}: {}: replay finished ({} bytes)", name_, Where(), bytes_.load());
}

void FeedListener::Impl::ReadFileStep() {
  if (stopping_ || stop_requested_) return;
  if (pcap_) {
    ReadPcapRecord();
    return;
  }
  const size_t size = std::fread(file_buffer_.data(), 1, file_buffer_.size(), file_.get());
  if (size == 0) {
    if (std::ferror(file_.get())) {
      ++file_errors_;
      log::Warning("feed {}: {}: read error at byte {}", name_, Where(), file_offset_);
    }
    EndPass("eof");
    return;
  }
  bytes_ += size;
  ++reads_;
  Chunk chunk;
  chunk.bytes = {file_buffer_.data(), size};
  chunk.connection = pass_;
  chunk.offset = file_offset_;
  chunk.peer = file_peer_;
  file_offset_ += size;
  if (!CallHandler("OnData", [&] { handler_->OnData(chunk); })) {
    EndPass("handler failed");
    return;
  }
  asio::post(io_, [this] { ReadFileStep(); });
}

void FeedListener::Impl::ReadPcapRecord() {
  uint8_t header[kPcapRecordHeaderBytes];
  const size_t got = std::fread(header, 1, sizeof(header), file_.get());
  if (got == 0) {
    EndPass("eof");
    return;
  }
  const auto field = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | header[at + (pcap_swapped_ ? i : 3 - i)];
    return v;
  };
  const uint64_t record_offset = file_offset_;
  const uint32_t captured = got == sizeof(header) ? field(8) : 0;
  if (got != sizeof(header) || captured > kPcapMaxRecordBytes ||
      std::fread(file_buffer_.data(), 1, captured, file_.get()) != captured) {
    ++file_errors_;
    log::Warning("feed {}: {}: pcap record at byte {} is cut short or longer than {} bytes; "
                 "end of the pass",
                 name_, Where(), record_offset, kPcapMaxRecordBytes);
    EndPass("eof");
    return;
  }
  file_offset_ += sizeof(header) + captured;
  const int64_t capture_ns = int64_t{field(0)} * 1'000'000'000 +
                             int64_t{field(4)} * (pcap_nanos_ ? 1 : 1000);
  const auto deliver = [this, captured, record_offset] {
    std::string peer;
    const auto payload = UdpPayload(pcap_link_type_, {file_buffer_.data(), captured}, peer);
    if (!payload) {
      ++skipped_packets_;
    } else {
      bytes_ += payload->size();
      ++reads_;
      ++datagrams_;
      file_peer_ = fmt::format("{} byte {} ({})", endpoint_.path, record_offset, peer);
      Chunk chunk;
      chunk.bytes = *payload;
      chunk.offset = datagram_index_++;
      chunk.datagram = true;
      chunk.peer = file_peer_;
      if (!CallHandler("OnData", [&] { handler_->OnData(chunk); })) {
        EndPass("handler failed");
        return;
      }
    }
    asio::post(io_, [this] { ReadFileStep(); });
  };
  // Pace by the capture timestamps: record k is due at first_wall + (t_k - t_0) / speed.
  const auto now = std::chrono::steady_clock::now();
  if (endpoint_.speed > 0.0) {
    if (!pace_wall_ || capture_ns < pace_capture_ns_) {  // first record, or time went back
      pace_wall_ = now;
      pace_capture_ns_ = capture_ns;
    }
    const auto due = *pace_wall_ + std::chrono::nanoseconds(static_cast<int64_t>(
                                       static_cast<double>(capture_ns - pace_capture_ns_) /
                                       endpoint_.speed));
    if (due > now) {
      timer_.expires_at(due);
      timer_.async_wait([this, deliver](const ErrorCode& error) {
        if (!stopping_ && !error) deliver();
      });
      return;
    }
  }
  deliver();
}

// ---- FeedListener ----------------------------------------------------------------------

FeedListener::FeedListener(Key /*key*/, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FeedListener::~FeedListener() { Stop(); }

Result<std::unique_ptr<FeedListener>> FeedListener::Start(std::string name,
                                                          const FeedEndpoint& endpoint,
                                                          FeedHandler* handler) {
  auto impl = std::make_unique<Impl>(std::move(name), endpoint, handler);
  BIAC_RETURN_IF_ERROR(impl->Open());
  impl->StartThread();
  return std::make_unique<FeedListener>(Key(), std::move(impl));
}

void FeedListener::Stop() { impl_->Stop(); }
uint16_t FeedListener::bound_port() const { return impl_->bound_port(); }
FeedStats FeedListener::stats() const { return impl_->Stats(); }
const std::string& FeedListener::name() const { return impl_->name(); }
const FeedEndpoint& FeedListener::endpoint() const { return impl_->endpoint(); }

}  // namespace biac::net
