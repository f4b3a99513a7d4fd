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

// kFile: a recorded file replayed (see FeedEndpoint::path). A pcap capture (libpcap format,
// recognised by its magic number) is replayed datagram by datagram: each UDP payload is one
// Chunk with datagram = true, paced by the capture timestamps; any other file is a byte
// stream (connection = the pass, 1, 2, ... with loop; offset = the file offset), which the
// handler paces by the data's own times if it wants to (it may block, see below).
//
// kTlsServer: a TCP server speaking TLS (1.2 or later; TAK Server's port 8089 style), with
// the tls_* files below. With tls_client_ca set, a client must present a certificate issued
// by one of those CAs (mutual TLS, RFC 8446 §4.3.2): a handshake that fails (no certificate,
// an unknown CA) closes the connection before the handler hears of it, and is counted in
// FeedStats::tls_failures. The handler sees the decrypted stream, as with kTcpServer.
enum class Transport : uint8_t { kUdp, kTcpClient, kTcpServer, kFile, kTlsServer };

// "udp", "tcp-client", "tcp-server", "file", "tls-server"
std::string_view TransportName(Transport transport);

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
  // file only: the file, the replay speed (1 = the recorded pace, 10 = ten times faster, 0 =
  // as fast as the handler takes it) and whether to start over at the end. Only pcap
  // captures are paced by the listener; speed is there for the handler of other files.
  std::string path;
  double speed = 1.0;
  bool loop = false;
  // tls-server only: PEM files of the server's certificate chain and key, and of the CAs
  // whose client certificates are accepted (empty: no client certificate asked for).
  std::string tls_certificate;
  std::string tls_private_key;
  std::string tls_client_ca;
  Duration tls_handshake_timeout = std::chrono::seconds(10);
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
  // Called by FeedListener::Stop() on the stopping thread, before it waits for the listener
  // thread: a handler that waits of its own accord (a paced file replay) stops waiting and
  // returns. Thread-safe; handler calls after it should not wait again.
  virtual void Interrupt() {}
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
                                     // file: reading now
  uint64_t passes = 0;               // file: passes started (more than one with loop)
  uint64_t file_errors = 0;          // file: unreadable pcap records (the pass ends there)
  uint64_t skipped_packets = 0;      // file (pcap): captured packets that are no UDP datagram
  bool finished = false;             // file: read to the end (never with loop)
  uint64_t tls_failures = 0;         // tls-server: failed or timed-out handshakes
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
