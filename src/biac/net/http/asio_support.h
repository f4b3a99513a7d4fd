#pragma once

// Internal to net/http (included only by its .cc files): the pieces that the HTTPS, WebSocket
// and TLS stream servers share. Asio, Beast and OpenSSL appear here and nowhere public.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "biac/base/status.h"
#include "biac/net/http/tls.h"

typedef struct ssl_st SSL;

namespace biac::net::internal {

enum class ClientCertificates { kNone, kRequest, kRequire };

// A TLS 1.2+ server context with the certificate chain and key of `files`; client
// certificates verified against files.client_ca as `policy` says. Errors name the file.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeServerContext(const TlsFiles& files,
                                                                     ClientCertificates policy);

// The CN of the peer's certificate if it verified, else empty.
std::string VerifiedSubject(SSL* ssl);

// "1.2.3.4:5678" or "[::1]:5678".
std::string EndpointText(const boost::asio::ip::tcp::endpoint& endpoint);

// Something the server can close when it stops.
class LiveConnection {
 public:
  virtual ~LiveConnection() = default;
  // Called from any thread: refuse further sends at once, close the socket on its strand.
  virtual void ForceClose() = 0;
};

// An io_context whose pending handlers can be destroyed before the context itself. Connections
// keep their server alive, and the server owns the context, so a handler abandoned in the
// context would keep itself alive forever; Shutdown breaks that cycle.
class IoContext : public boost::asio::io_context {
 public:
  // Destroys every handler not yet run (and what they own). The context runs nothing after.
  void Shutdown() { shutdown(); }
};

// The listening socket, the io threads and the registry of live connections.
class ServerCore {
 public:
  using AcceptHandler = std::function<void(boost::asio::ip::tcp::socket)>;
  ServerCore();
  ~ServerCore();
  // Binds and listens; errors name the address and the reason.
  Status Listen(const std::string& address, uint16_t port);
  // Starts accepting on `threads` io threads; each accepted socket (on its own strand, with
  // TCP_NODELAY) goes to `on_accept`, from an io thread.
  void Run(int threads, AcceptHandler on_accept);
  // Returns the connection's id, or 0 when the server is stopping (the caller closes it).
  uint64_t Register(std::weak_ptr<LiveConnection> connection);
  void Unregister(uint64_t id);
  size_t live() const;
  // Stops accepting, force-closes every registered connection and joins the io threads once
  // their work has drained; handlers still pending after a grace time are destroyed. Idempotent;
  // must not be called from an io thread.
  void Stop();
  uint16_t port() const { return port_; }
  boost::asio::io_context& io() { return io_; }

 private:
  void Accept();
  void RunThread();

  // Declared before the io_context: a handler destroyed in its shutdown may unregister.
  mutable std::mutex mutex_;
  bool stopped_ = false;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::weak_ptr<LiveConnection>> live_;
  IoContext io_;
  boost::asio::strand<boost::asio::io_context::executor_type> acceptor_strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  AcceptHandler on_accept_;
  uint16_t port_ = 0;
  std::vector<std::thread> threads_;
};

// The bounded queue behind WebSocketSession::Send and StreamSession::Send. One writer at a
// time: Push tells the caller to start it, Pop tells the writer whether to go on.
class SendQueue {
 public:
  struct Item {
    std::string data;
    bool binary = false;
  };
  struct PushResult {
    bool accepted = false;
    bool start_writer = false;
  };
  struct PopResult {
    bool more = false;      // the writer continues with front()
    bool writable = false;  // report OnWritable: drained below half after pressure
  };
  explicit SendQueue(size_t limit) : limit_(limit) {}

  PushResult Push(std::string data, bool binary);
  // The item being written; stable until Pop (only the writer calls this, while writing).
  const Item& front() const;
  PopResult Pop();
  bool empty() const;
  // Refuses further pushes; with `discard`, also drops the items not yet being written.
  void Close(bool discard);
  // Drops everything after the connection failed.
  void Clear();
  bool closed() const;
  size_t bytes() const;

 private:
  mutable std::mutex mutex_;
  std::deque<Item> items_;
  const size_t limit_;
  size_t bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  bool pressure_ = false;  // a push was refused or the queue went above half the limit
};

}  // namespace biac::net::internal
