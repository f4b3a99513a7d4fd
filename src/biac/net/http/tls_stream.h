#pragma once

// A TLS stream server: raw bytes over TLS, for CoT out to TAK clients (ATAK, WinTAK, iTAK
// connect with a client certificate and read a stream of CoT <event> documents; issue 5 §2).
// Framing is the caller's: Send writes the bytes as given, on_data delivers what arrives.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "biac/base/status.h"
#include "biac/net/http/tls.h"

namespace biac::net {

// One TLS connection. Thread-safe; owned by shared_ptr. Same queue-limit contract as
// WebSocketSession.
class StreamSession {
 public:
  // Queues bytes. Never blocks. Returns false (nothing queued) when queued bytes plus these
  // would exceed StreamServerOptions::queue_limit or the session is closed.
  virtual bool Send(std::string bytes) = 0;
  virtual size_t queued_bytes() const = 0;
  virtual bool open() const = 0;
  // Closes after the queued bytes are written (TLS close_notify).
  virtual void Close() = 0;
  virtual const std::string& client_subject() const = 0;
  virtual const std::string& peer() const = 0;
  virtual ~StreamSession() = default;
};

struct StreamServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: pick a free port
  TlsFiles tls;       // tls.client_ca required when require_client_certificate
  // Fail the TLS handshake of clients without a certificate that verifies against client_ca.
  bool require_client_certificate = true;
  size_t queue_limit = 4 << 20;
  int threads = 1;
  size_t max_connections = 1024;
};

// Called after the TLS handshake with the verified client certificate's CN (empty without
// one) and "ip:port"; returning false closes the connection.
using StreamConnectHandler = std::function<bool(const std::string& subject, const std::string& peer,
                                                std::shared_ptr<StreamSession>)>;
// Bytes received from the client (may be null: received bytes are discarded). Calls for one
// session are serialised.
using StreamDataHandler = std::function<void(StreamSession&, std::string_view)>;
// When a session ends (may be null).
using StreamCloseHandler = std::function<void(StreamSession&)>;

class TlsStreamServer {
 public:
  static Result<std::unique_ptr<TlsStreamServer>> Start(StreamServerOptions options,
                                                        StreamConnectHandler on_connect,
                                                        StreamDataHandler on_data,
                                                        StreamCloseHandler on_close = nullptr);
  ~TlsStreamServer();  // Stop()
  TlsStreamServer(const TlsStreamServer&) = delete;
  TlsStreamServer& operator=(const TlsStreamServer&) = delete;

  void Stop();  // closes every session and joins the threads; idempotent
  uint16_t port() const;

  struct Stats {
    uint64_t connections = 0;
    uint64_t sessions_open = 0;
    uint64_t tls_failures = 0;
    uint64_t rejected = 0;  // on_connect returned false, or over max_connections
    uint64_t sends_refused = 0;
  };
  Stats stats() const;

  struct Impl;
  explicit TlsStreamServer(std::shared_ptr<Impl> impl);  // internal: use the factory

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace biac::net
