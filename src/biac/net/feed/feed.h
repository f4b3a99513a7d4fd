#pragma once

// Live feed listeners: one socket (UDP), one outgoing TCP connection (client) or one accepting
// TCP socket (server) per listener, each run on the listener's own thread. A listener hands
// the bytes it reads to a FeedHandler as they arrive; framing them into records is the
// caller's job (framer.h). Boost.Asio is used only in feed.cc.
//
// Back-pressure contract: the handler is called synchronously on the listener thread, and
// the listener reads nothing while a handler call runs. A handler that blocks (the node's
// queue is full) therefore stops a TCP feed at the TCP window (the sender's send buffer
// fills, nothing is lost), and lets a UDP feed's kernel receive buffer fill; the datagrams
// the kernel then drops are counted by the kernel (SO_RXQ_OVFL, socket(7)) and reported in
// FeedStats::kernel_drops, never dropped silently by biac.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "biac/base/status.h"
#include "biac/base/time.h"

namespace biac::net {

enum class Transport : uint8_t { kUdp, kTcpClient, kTcpServer };

std::string_view TransportName(Transport transport);  // "udp", "tcp-client", "tcp-server"

struct FeedEndpoint {
  Transport transport = Transport::kUdp;
  std::string host = "127.0.0.1";  // bind address (udp, tcp server) or peer (tcp client)
  uint16_t port = 0;               // 0 with udp/tcp server: pick a free port (see bound_port)
  std::string multicast_group;     // udp only: join this IPv4 group on the `host` interface
                                   // (the socket binds group:port, so it gets that group only)
  size_t udp_receive_buffer = size_t{8} << 20;  // SO_RCVBUF asked for (the kernel may cap it)
  Duration reconnect_min = std::chrono::milliseconds(500);  // tcp client back-off, doubled
  Duration reconnect_max = std::chrono::seconds(10);        // after each failure up to this
  size_t max_connections = 64;     // tcp server: further connections are accepted and closed
  size_t read_buffer = 64 * 1024;  // bytes per read (and the largest UDP datagram kept whole)
};

struct Chunk {                     // bytes as read; framing is the caller's job
  std::span<const uint8_t> bytes;  // valid only during the OnData call
  uint64_t connection = 0;         // tcp: id of the connection on this listener (1, 2, ...); udp: 0
  uint64_t offset = 0;             // tcp: byte offset of bytes[0] in that connection's stream;
                                   // udp: index of the datagram on this listener (0, 1, ...)
  bool datagram = false;           // udp: bytes is one whole datagram
  std::string_view peer;           // "127.0.0.1:40123"
};

// Called on the listener's own thread, one call at a time.
class FeedHandler {
 public:
  virtual ~FeedHandler() = default;
  // tcp: a connection opened (client: each successful (re)connect; server: each accept).
  virtual void OnConnect(uint64_t /*connection*/, std::string_view /*peer*/) {}
  // May block (the node's queue is full): then a TCP feed is back-pressured (not read) and a
  // UDP feed's kernel buffer fills; the kernel's drop count is reported in stats.
  virtual void OnData(const Chunk& chunk) = 0;
  // tcp: a connection closed; `reason` is "eof", "stopped" (Stop()), "handler failed" (a
  // handler threw: logged, the connection closed) or the socket error
  // ("Connection reset by peer"). The connection's partial state can go.
  virtual void OnDisconnect(uint64_t /*connection*/, std::string_view /*reason*/) {}
};

struct FeedStats {  // snapshot
  uint64_t bytes = 0;
  uint64_t reads = 0;      // OnData calls
  uint64_t datagrams = 0;  // udp
  uint64_t connections_opened = 0;
  uint64_t connections_closed = 0;
  uint64_t connect_failures = 0;     // tcp client: failed connection attempts
  uint64_t connections_refused = 0;  // tcp server: closed at once (max_connections reached)
  uint64_t kernel_drops = 0;         // udp: SO_RXQ_OVFL counter, the datagrams the kernel dropped
  uint64_t truncated = 0;            // udp: datagrams longer than read_buffer (delivered cut short)
  uint64_t receive_buffer = 0;       // udp: SO_RCVBUF the kernel granted (socket(7): it doubles the
                                     // request and caps it at net.core.rmem_max)
  bool connected = false;            // tcp client: connected now; tcp server: any connection open
};

class FeedListener {
 public:
  // Opens the socket (binds now, so errors are reported here, kUnavailable, e.g. "udp
  // 127.0.0.1:5000: bind: Address already in use"; a bad endpoint is kInvalidArgument; the
  // message does not repeat `name`) and starts its own thread. A tcp client does not connect here:
  // it connects on its thread and keeps reconnecting with back-off. The handler must outlive the
  // listener.
  static Result<std::unique_ptr<FeedListener>> Start(std::string name, const FeedEndpoint& endpoint,
                                                     FeedHandler* handler);
  ~FeedListener();  // Stop()
  FeedListener(const FeedListener&) = delete;
  FeedListener& operator=(const FeedListener&) = delete;

  // Closes the sockets and joins the thread; no handler call after it returns. Open TCP
  // connections get OnDisconnect(id, "stopped") on the listener thread before it ends. Must not
  // be called from a handler. A handler call in progress finishes first (a handler blocked on a
  // queue must be released by the caller, e.g. by closing that queue, before or while Stop()
  // waits). Idempotent.
  void Stop();
  uint16_t bound_port() const;  // udp and tcp server: the local port; tcp client: 0
  FeedStats stats() const;      // thread-safe
  const std::string& name() const;
  const FeedEndpoint& endpoint() const;

  class Impl;  // feed.cc
  class Key {  // only Start() constructs listeners
    friend class FeedListener;
    Key() = default;
  };
  FeedListener(Key key, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace biac::net
