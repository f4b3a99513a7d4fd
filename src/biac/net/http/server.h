#pragma once

// HTTPS (HTTP/1.1 over TLS) and WebSocket (RFC 6455 over TLS) server on Boost.Beast.
//
// TLS is always on (TLS 1.2 minimum). Client certificates (mTLS) are requested when
// HttpServerOptions::tls.client_ca is set and request_client_certificate is true; a client
// may omit one (the request then has an empty client_subject and the API authenticates it by
// other means), but a certificate that does not verify against client_ca fails the TLS
// handshake: a request never carries an unverified certificate's subject.
//
// Handlers run on the server's threads and may be called concurrently for different
// connections; calls for one connection are serialised. Asio, Beast and OpenSSL types stay in
// server.cc.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/net/http/tls.h"

namespace biac::net {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path + "?" + query, as sent
  std::string path;    // percent-decoded ("%2F" becomes "/"; "+" stays "+")
  std::string query;   // as sent, without the "?"; not decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string peer;            // "127.0.0.1:50123"
  std::string client_subject;  // the verified client certificate's CN, or empty

  // The first header with that (lower-case) name, or nullptr.
  const std::string* Header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// One WebSocket connection. Thread-safe; owned by shared_ptr (the server and whoever the
// upgrade handler gives it to).
class WebSocketSession {
 public:
  // Queues a message. Never blocks. Returns false (message not queued) when the queued bytes
  // plus this message would exceed the session's limit (HttpServerOptions::
  // websocket_queue_limit), or the session is closed: the caller coalesces and retries after
  // OnWritable. A message larger than the limit is never accepted.
  virtual bool Send(std::string message, bool binary) = 0;
  // Bytes accepted by Send and not yet written to the TLS stream; never exceeds the limit.
  virtual size_t queued_bytes() const = 0;
  virtual bool open() const = 0;
  // Drops the queued messages not yet being written and sends a close frame (code 1000,
  // `reason`, truncated to 123 bytes); Send returns false from now on. A peer that does not
  // complete the closing handshake within handshake_timeout is disconnected.
  virtual void Close(std::string reason) = 0;
  virtual ~WebSocketSession() = default;
};

// Per connection, from the upgrade callback. Calls for one session are serialised and come
// from the server's threads; a handler may call its session's Send from them.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  virtual void OnMessage(std::string_view /*text*/) {}
  // The send queue drained below half its limit after a Send was refused or the queue was
  // above half its limit.
  virtual void OnWritable() {}
  // Once, when the connection ends for any reason (also after Close and server Stop). The
  // handler is destroyed soon after.
  virtual void OnClose() {}
};

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: pick a free port (see HttpServer::port())
  TlsFiles tls;       // required: TLS always
  // Ask for a client certificate (when tls.client_ca is set); verified if sent, never
  // required at the TLS level.
  bool request_client_certificate = true;
  int threads = 2;
  size_t max_body = 1 << 20;     // larger: 413 and the connection closes
  size_t max_header = 16 << 10;  // request line + headers; larger: 431 and close
  size_t websocket_queue_limit = 4 << 20;
  size_t websocket_max_message = 1 << 20;            // larger incoming messages close the session
  Duration idle_timeout = std::chrono::seconds(60);  // between requests, and per request
  Duration handshake_timeout = std::chrono::seconds(10);  // TCP accept to TLS established
  size_t max_connections = 1024;  // further connections are closed at accept
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Returns nullptr to refuse the upgrade with `refusal` (e.g. status 401). The session is not
// open until the handshake response is written; messages sent before are queued.
using UpgradeHandler = std::function<std::unique_ptr<WebSocketHandler>(
    const HttpRequest&, std::shared_ptr<WebSocketSession>, HttpResponse& refusal)>;

class HttpServer {
 public:
  // Binds, loads the TLS files and starts the threads. Errors name the file or address and
  // the reason. A null UpgradeHandler refuses every upgrade with 404.
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options, HttpHandler handler,
                                                   UpgradeHandler upgrade);
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Stops accepting, closes every connection (WebSocket handlers get OnClose) and joins the
  // threads. Idempotent; never call it from a handler. Sessions held elsewhere stay valid
  // objects; their Send returns false.
  void Stop();
  uint16_t port() const;

  struct Stats {
    uint64_t connections = 0;  // TCP connections accepted
    uint64_t connections_open = 0;
    uint64_t connections_refused = 0;  // over max_connections
    uint64_t requests = 0;             // HTTP requests handled (including upgrades)
    uint64_t bad_requests = 0;         // 400, 413, 431 answered by the server itself
    uint64_t tls_failures = 0;         // handshakes that failed or timed out
    uint64_t websocket_sessions = 0;   // upgrades accepted
    uint64_t websocket_sessions_open = 0;
    uint64_t websocket_sends_refused = 0;  // Send() returned false
  };
  Stats stats() const;

  struct Impl;
  explicit HttpServer(std::shared_ptr<Impl> impl);  // internal: use Start

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace biac::net
