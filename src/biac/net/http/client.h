#pragma once

// Small blocking TLS clients for tests, benches and tools: HTTPS, WebSocket and a raw TLS
// stream. Each verifies the server certificate against ca_file (hostname checked against the
// certificate's subjectAltName) and may present a client certificate. Not for use on the
// node's threads.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"

namespace biac::net {

struct TlsClientOptions {
  std::string ca_file;      // PEM CAs to trust; required
  std::string client_cert;  // PEM client certificate (optional, with client_key)
  std::string client_key;
  Duration timeout = std::chrono::seconds(10);  // per operation (connect, request, ...)
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpClientResponse {
  int status = 0;
  std::string body;
  HeaderList headers;  // names in lower case
  const std::string* Header(std::string_view lower_name) const;
};

// One keep-alive HTTPS connection (for many requests, e.g. the benchmark).
class HttpsConnection {
 public:
  static Result<std::unique_ptr<HttpsConnection>> Connect(const std::string& host, uint16_t port,
                                                          const TlsClientOptions& options);
  ~HttpsConnection();
  Result<HttpClientResponse> Request(std::string_view method, std::string_view target,
                                     const HeaderList& headers, std::string_view body);
  struct Impl;
  explicit HttpsConnection(std::unique_ptr<Impl> impl);  // internal: use the factory

 private:
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
Result<HttpClientResponse> HttpsGet(const std::string& host, uint16_t port, std::string_view target,
                                    const HeaderList& headers, const TlsClientOptions& options);
Result<HttpClientResponse> HttpsPost(const std::string& host, uint16_t port,
                                     std::string_view target, const HeaderList& headers,
                                     std::string_view body, const TlsClientOptions& options);

struct WebSocketMessage {
  std::string data;
  bool binary = false;
};

class WebSocketClient {
 public:
  // TLS + HTTP upgrade. A refused upgrade is an error whose message carries the status
  // ("websocket upgrade refused: 401 ...").
  static Result<std::unique_ptr<WebSocketClient>> Connect(const std::string& host, uint16_t port,
                                                          std::string_view target,
                                                          const HeaderList& headers,
                                                          const TlsClientOptions& options);
  ~WebSocketClient();
  // The next message; kUnavailable with "timeout" if none arrives within `timeout` (the
  // connection stays usable), kUnavailable "closed: ..." when the server closed.
  Result<WebSocketMessage> Read(Duration timeout);
  Status Send(std::string_view message, bool binary = false);
  Status Close();
  struct Impl;
  explicit WebSocketClient(std::unique_ptr<Impl> impl);  // internal: use the factory

 private:
  std::unique_ptr<Impl> impl_;
};

// A raw TLS stream client (a TAK client's view of CoT out).
class TlsStreamClient {
 public:
  static Result<std::unique_ptr<TlsStreamClient>> Connect(const std::string& host, uint16_t port,
                                                          const TlsClientOptions& options);
  ~TlsStreamClient();
  // Whatever bytes are available (at least one), or kUnavailable "timeout" / "closed: ...".
  Result<std::string> Read(Duration timeout);
  Status Write(std::string_view bytes);
  Status Close();
  struct Impl;
  explicit TlsStreamClient(std::unique_ptr<Impl> impl);  // internal: use the factory

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace biac::net
