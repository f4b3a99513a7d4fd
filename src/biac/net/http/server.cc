#include "biac/net/http/server.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <optional>
#include <utility>

#include "biac/net/http/asio_support.h"

namespace biac::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using WsStream = websocket::stream<TlsStream>;

namespace {

constexpr int kBadRequest = 400;
constexpr int kForbidden = 403;
constexpr int kNotFound = 404;
constexpr int kPayloadTooLarge = 413;       // RFC 9110 §15.5.14
constexpr int kHeaderFieldsTooLarge = 431;  // RFC 6585 §5
constexpr int kInternalServerError = 500;
constexpr size_t kMaxCloseReason = 123;  // RFC 6455 §5.5: control payload ≤ 125
constexpr auto kShutdownTimeout = std::chrono::seconds(2);
constexpr const char* kServerName = "biac";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 §2.1 percent-decoding of a path; false on a malformed escape.
bool PercentDecode(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int high = HexValue(in[i + 1]);
    const int low = HexValue(in[i + 2]);
    if (high < 0 || low < 0) return false;
    out->push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return true;
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

}  // namespace

const std::string* HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  UpgradeHandler upgrade;
  std::unique_ptr<asio::ssl::context> ssl;
  internal::ServerCore core;  // after ssl: its connections' SSL objects go first

  std::atomic<uint64_t> connections{0}, connections_open{0}, connections_refused{0};
  std::atomic<uint64_t> requests{0}, bad_requests{0}, tls_failures{0};
  std::atomic<uint64_t> websocket_sessions{0}, websocket_sessions_open{0};
  std::atomic<uint64_t> websocket_sends_refused{0};
};

namespace {

using Impl = HttpServer::Impl;

// One upgraded connection. Owned by shared_ptr: the read loop's handler, the upgrade handler's
// copy, and whoever that gives it to.
class WsSession : public WebSocketSession,
                  public internal::LiveConnection,
                  public std::enable_shared_from_this<WsSession> {
 public:
  // `strand` is the connection's strand (the executor of its TLS stream): every operation on
  // the WebSocket stream runs there.
  WsSession(std::shared_ptr<Impl> server, asio::any_io_executor strand, uint64_t id)
      : server_(std::move(server)),
        strand_(std::move(strand)),
        queue_(server_->options.websocket_queue_limit),
        close_timer_(strand_),
        id_(id) {}

  ~WsSession() override {
    if (id_ != 0) server_->core.Unregister(id_);
  }

  bool Send(std::string message, bool binary) override {
    if (!open_.load()) {
      // Before the handshake completes messages are queued; after the end they are refused.
      if (finished_.load()) {
        server_->websocket_sends_refused++;
        return false;
      }
    }
    const internal::SendQueue::PushResult result = queue_.Push(std::move(message), binary);
    if (!result.accepted) {
      server_->websocket_sends_refused++;
      return false;
    }
    if (result.start_writer) {
      asio::post(strand_, [self = shared_from_this()] { self->StartWrite(); });
    }
    return true;
  }

  size_t queued_bytes() const override { return queue_.bytes(); }
  bool open() const override { return open_.load() && !queue_.closed(); }

  void Close(std::string reason) override {
    queue_.Close(/*discard=*/true);
    if (reason.size() > kMaxCloseReason) reason.resize(kMaxCloseReason);
    asio::post(strand_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
      self->close_reason_ = std::move(reason);
      self->close_requested_ = true;
      self->MaybeSendClose();
    });
  }

  void ForceClose() override {
    queue_.Close(/*discard=*/true);
    asio::post(strand_, [self = shared_from_this()] {
      self->close_timer_.cancel();
      if (self->ws_) {
        boost::system::error_code ignored;
        beast::get_lowest_layer(*self->ws_).socket().close(ignored);
      }
    });
  }

  void SetId(uint64_t id) { id_ = id; }

  // Refused upgrade: never opens.
  void Refuse() {
    finished_ = true;
    queue_.Clear();
  }

  // On the strand: takes over the TLS stream and answers the upgrade request.
  void Start(TlsStream stream, http::request<http::string_body> request,
             std::unique_ptr<WebSocketHandler> handler) {
    handler_ = std::move(handler);
    ws_.emplace(std::move(stream));
    beast::get_lowest_layer(*ws_).expires_never();
    // Timeouts for the opening and closing handshakes only. Beast's idle timeout is off: its
    // timer outlives a socket closed under it (Stop would wait for it); dropping idle or stuck
    // clients is the application's decision (Close), made on queued_bytes and OnWritable.
    websocket::stream_base::timeout timeouts =
        websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.handshake_timeout = server_->options.handshake_timeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_->set_option(timeouts);
    ws_->set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(http::field::server, kServerName);
    }));
    ws_->read_message_max(server_->options.websocket_max_message);
    server_->websocket_sessions++;
    server_->websocket_sessions_open++;
    counted_open_ = true;
    ws_->async_accept(request,
                      [self = shared_from_this()](beast::error_code ec) { self->OnAccept(ec); });
  }

 private:
  void OnAccept(beast::error_code ec) {
    if (ec) return Finish();
    open_ = true;
    if (!queue_.empty()) Write();
    Read();
  }

  void Read() {
    ws_->async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      self->OnRead(ec);
    });
  }

  void OnRead(beast::error_code ec) {
    if (ec) return Finish();
    if (handler_) {
      const auto data = read_buffer_.cdata();
      const std::string_view text(static_cast<const char*>(data.data()), data.size());
      try {
        handler_->OnMessage(text);
      } catch (...) {
        // A throwing handler loses its session, never the server.
        read_buffer_.consume(read_buffer_.size());
        beast::get_lowest_layer(*ws_).socket().close(ec);
        return Finish();
      }
    }
    read_buffer_.consume(read_buffer_.size());
    Read();
  }

  void StartWrite() {
    // The writer starts after the handshake (OnAccept) if messages came earlier.
    if (!open_ || writing_) return;
    Write();
  }

  void Write() {
    writing_ = true;
    const internal::SendQueue::Item& item = queue_.front();
    ws_->binary(item.binary);
    ws_->async_write(
        asio::buffer(item.data),
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    writing_ = false;
    if (ec) {
      queue_.Clear();
      beast::get_lowest_layer(*ws_).socket().close(ec);
      return;  // the read loop ends and calls Finish
    }
    const internal::SendQueue::PopResult result = queue_.Pop();
    if (result.writable && handler_) {
      try {
        handler_->OnWritable();
      } catch (...) {
      }
    }
    if (result.more) return Write();
    MaybeSendClose();
  }

  void MaybeSendClose() {
    if (!close_requested_ || close_sent_ || !ws_ || !open_ || writing_ || !queue_.empty()) return;
    close_sent_ = true;
    close_timer_.expires_after(server_->options.handshake_timeout);
    close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      boost::system::error_code ignored;
      beast::get_lowest_layer(*self->ws_).socket().close(ignored);
    });
    ws_->async_close(websocket::close_reason(websocket::close_code::normal, close_reason_),
                     [self = shared_from_this()](beast::error_code) {});
  }

  void Finish() {
    if (finished_.exchange(true)) return;
    open_ = false;
    close_timer_.cancel();
    queue_.Clear();
    if (counted_open_) {
      server_->websocket_sessions_open--;
      server_->connections_open--;  // the slot the HTTP connection handed over
    }
    if (handler_) {
      try {
        handler_->OnClose();
      } catch (...) {
      }
    }
    handler_.reset();  // breaks the cycle handler -> session
    if (id_ != 0) {
      server_->core.Unregister(id_);
      id_ = 0;
    }
  }

  std::shared_ptr<Impl> server_;
  asio::any_io_executor strand_;
  internal::SendQueue queue_;
  asio::steady_timer close_timer_;
  uint64_t id_;
  std::optional<WsStream> ws_;
  std::unique_ptr<WebSocketHandler> handler_;
  beast::flat_buffer read_buffer_;
  std::atomic<bool> open_{false};
  std::atomic<bool> finished_{false};
  bool counted_open_ = false;
  bool writing_ = false;
  bool close_requested_ = false;
  bool close_sent_ = false;
  std::string close_reason_;
};

// One TLS connection speaking HTTP/1.1 until it closes or upgrades.
class HttpConnection : public internal::LiveConnection,
                       public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(std::shared_ptr<Impl> server, tcp::socket socket)
      : server_(std::move(server)),
        executor_(socket.get_executor()),
        stream_(std::move(socket), *server_->ssl) {
    boost::system::error_code ec;
    const tcp::endpoint endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) peer_ = internal::EndpointText(endpoint);
  }

  ~HttpConnection() override {
    if (!upgraded_) server_->connections_open--;
    if (id_ != 0) server_->core.Unregister(id_);
  }

  void Run(uint64_t id) {
    id_ = id;
    beast::get_lowest_layer(stream_).expires_after(server_->options.handshake_timeout);
    stream_.async_handshake(
        asio::ssl::stream_base::server,
        [self = shared_from_this()](beast::error_code ec) { self->OnHandshake(ec); });
  }

  void ForceClose() override {
    // executor_, not stream_.get_executor(): the stream is moved out on upgrade.
    asio::post(executor_, [self = shared_from_this()] {
      if (self->upgraded_) return;
      beast::get_lowest_layer(self->stream_).close();
    });
  }

 private:
  void OnHandshake(beast::error_code ec) {
    if (ec) {
      server_->tls_failures++;
      beast::get_lowest_layer(stream_).close();
      return;
    }
    subject_ = internal::VerifiedSubject(stream_.native_handle());
    ReadRequest();
  }

  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options.max_header));
    parser_->body_limit(server_->options.max_body);
    beast::get_lowest_layer(stream_).expires_after(server_->options.idle_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::header_limit) return Reject(kHeaderFieldsTooLarge, "header too large");
    if (ec == http::error::body_limit) return Reject(kPayloadTooLarge, "body too large");
    if (ec && &ec.category() == &http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return Reject(kBadRequest, ec.message());
    }
    if (ec) return Shutdown();
    server_->requests++;
    http::request<http::string_body>& message = parser_->get();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    const std::string_view target = message.target();
    const size_t question = target.find('?');
    if (!PercentDecode(target.substr(0, question), &request.path)) {
      return Reject(kBadRequest, "malformed percent-encoding in the path");
    }
    if (question != std::string_view::npos)
      request.query = std::string(target.substr(question + 1));
    for (const auto& field : message) {
      request.headers.emplace_back(Lower(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.peer = peer_;
    request.client_subject = subject_;
    if (websocket::is_upgrade(message)) return Upgrade(std::move(request));

    HttpResponse response;
    try {
      response = server_->handler(request);
    } catch (const std::exception&) {
      response = HttpResponse{kInternalServerError, "text/plain", "internal error", {}};
    } catch (...) {
      response = HttpResponse{kInternalServerError, "text/plain", "internal error", {}};
    }
    Respond(std::move(response), message.keep_alive(), message.version());
  }

  void Upgrade(HttpRequest request) {
    auto session = std::make_shared<WsSession>(server_, executor_, 0);
    HttpResponse refusal{kNotFound, "text/plain", "no websocket here", {}};
    std::unique_ptr<WebSocketHandler> handler;
    if (server_->upgrade) {
      refusal.status = kForbidden;
      refusal.body = "forbidden";
      try {
        handler = server_->upgrade(request, session, refusal);
      } catch (...) {
        refusal = HttpResponse{kInternalServerError, "text/plain", "internal error", {}};
      }
    }
    if (!handler) {
      session->Refuse();
      return Respond(std::move(refusal), /*keep_alive=*/false, parser_->get().version());
    }
    // The session takes over the registry entry and the stream.
    const uint64_t id = server_->core.Register(session);
    if (id == 0) {
      session->Refuse();
      return;
    }
    server_->core.Unregister(id_);
    id_ = 0;
    upgraded_ = true;
    session->SetId(id);
    session->Start(std::move(stream_), parser_->release(), std::move(handler));
  }

  void Reject(int status, std::string reason) {
    server_->bad_requests++;
    Respond(HttpResponse{status, "text/plain", std::move(reason), {}}, /*keep_alive=*/false, 11);
  }

  void Respond(HttpResponse response, bool keep_alive, unsigned version) {
    response_.emplace();
    response_->version(version);
    response_->result(static_cast<unsigned>(response.status));
    response_->set(http::field::server, kServerName);
    if (!response.content_type.empty()) {
      response_->set(http::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) response_->set(name, value);
    response_->keep_alive(keep_alive);
    response_->body() = std::move(response.body);
    response_->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(server_->options.idle_timeout);
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        if (ec) return beast::get_lowest_layer(self->stream_).close();
                        if (!keep_alive) return self->Shutdown();
                        self->ReadRequest();
                      });
  }

  void Shutdown() {
    beast::get_lowest_layer(stream_).expires_after(kShutdownTimeout);
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::get_lowest_layer(self->stream_).close();
    });
  }

  std::shared_ptr<Impl> server_;
  asio::any_io_executor executor_;  // the connection's strand
  TlsStream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::string peer_;
  std::string subject_;
  uint64_t id_ = 0;
  bool upgraded_ = false;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      HttpHandler handler, UpgradeHandler upgrade) {
  if (!handler) return InvalidArgument("HttpServer: no request handler");
  auto impl = std::make_shared<Impl>();
  const internal::ClientCertificates policy = options.request_client_certificate
                                                  ? internal::ClientCertificates::kRequest
                                                  : internal::ClientCertificates::kNone;
  BIAC_ASSIGN_OR_RETURN(impl->ssl, internal::MakeServerContext(options.tls, policy));
  BIAC_RETURN_IF_ERROR(impl->core.Listen(options.address, options.port));
  impl->options = std::move(options);
  impl->handler = std::move(handler);
  impl->upgrade = std::move(upgrade);
  Impl* raw = impl.get();
  // The accept handler holds the Impl weakly: the server object owns it, connections share it.
  std::weak_ptr<Impl> weak = impl;
  raw->core.Run(raw->options.threads, [weak](tcp::socket socket) {
    std::shared_ptr<Impl> server = weak.lock();
    if (!server) return;
    server->connections++;
    if (server->connections_open.load() >= server->options.max_connections) {
      server->connections_refused++;
      boost::system::error_code ignored;
      socket.close(ignored);
      return;
    }
    server->connections_open++;
    auto connection = std::make_shared<HttpConnection>(server, std::move(socket));
    const uint64_t id = server->core.Register(connection);
    if (id == 0) return;  // stopping
    connection->Run(id);
  });
  return std::make_unique<HttpServer>(std::move(impl));
}

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() { impl_->core.Stop(); }

uint16_t HttpServer::port() const { return impl_->core.port(); }

HttpServer::Stats HttpServer::stats() const {
  Stats stats;
  stats.connections = impl_->connections.load();
  stats.connections_open = impl_->connections_open.load();
  stats.connections_refused = impl_->connections_refused.load();
  stats.requests = impl_->requests.load();
  stats.bad_requests = impl_->bad_requests.load();
  stats.tls_failures = impl_->tls_failures.load();
  stats.websocket_sessions = impl_->websocket_sessions.load();
  stats.websocket_sessions_open = impl_->websocket_sessions_open.load();
  stats.websocket_sends_refused = impl_->websocket_sends_refused.load();
  return stats;
}

}  // namespace biac::net
