#include "biac/net/http/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <utility>

namespace biac::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

constexpr size_t kMaxResponseBody = 64 << 20;
constexpr size_t kReadChunk = 16 << 10;
constexpr unsigned kHttp11 = 11;

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

// Runs `io` until `done()` or the deadline; false on timeout (the operation stays pending).
bool RunUntil(asio::io_context& io, const std::function<bool()>& done, Duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (io.stopped()) io.restart();
  while (!done()) {
    if (io.run_one_until(deadline) == 0) return done();
  }
  return true;
}

Result<std::unique_ptr<asio::ssl::context>> MakeClientContext(const TlsClientOptions& options) {
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  if (options.ca_file.empty()) return InvalidArgument("TLS client: ca_file is required");
  context->load_verify_file(options.ca_file, ec);
  if (ec) return InvalidArgument(options.ca_file + ": CA file: " + ec.message());
  context->set_verify_mode(asio::ssl::verify_peer, ec);
  if (!options.client_cert.empty()) {
    context->use_certificate_chain_file(options.client_cert, ec);
    if (ec) return InvalidArgument(options.client_cert + ": client certificate: " + ec.message());
    context->use_private_key_file(options.client_key, asio::ssl::context::pem, ec);
    if (ec) return InvalidArgument(options.client_key + ": client key: " + ec.message());
  }
  return context;
}

// A connected, TLS-established stream; errors name the host, port and step.
struct Connection {
  asio::io_context io;
  std::unique_ptr<asio::ssl::context> ssl;
  std::optional<TlsStream> stream;
  std::string host;
  uint16_t port = 0;
  Duration timeout{};

  std::string Where() const { return host + ":" + std::to_string(port); }

  Status Open(const std::string& host_name, uint16_t port_number, const TlsClientOptions& options) {
    host = host_name;
    port = port_number;
    timeout = options.timeout;
    BIAC_ASSIGN_OR_RETURN(ssl, MakeClientContext(options));
    stream.emplace(io, *ssl);
    // SNI (RFC 6066 §3) for names only; hostname or IP checked against subjectAltName.
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    if (ec && !SSL_set_tlsext_host_name(stream->native_handle(), host.c_str())) {
      return Internal(Where() + ": cannot set SNI");
    }
    stream->set_verify_callback(asio::ssl::host_name_verification(host), ec);
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return Unavailable(Where() + ": resolve: " + ec.message());
    bool done = false;
    beast::get_lowest_layer(*stream).expires_after(timeout);
    beast::get_lowest_layer(*stream).async_connect(endpoints,
                                                   [&](beast::error_code e, const tcp::endpoint&) {
                                                     ec = e;
                                                     done = true;
                                                   });
    RunUntil(
        io, [&] { return done; }, timeout + timeout);
    if (ec) return Unavailable(Where() + ": connect: " + ec.message());
    done = false;
    beast::get_lowest_layer(*stream).expires_after(timeout);
    stream->async_handshake(asio::ssl::stream_base::client, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    RunUntil(
        io, [&] { return done; }, timeout + timeout);
    if (ec) return Unavailable(Where() + ": TLS handshake: " + ec.message());
    beast::get_lowest_layer(*stream).expires_never();
    return Status::Ok();
  }
};

}  // namespace

const std::string* HttpClientResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

struct HttpsConnection::Impl {
  Connection connection;
  beast::flat_buffer buffer;
};

Result<std::unique_ptr<HttpsConnection>> HttpsConnection::Connect(const std::string& host,
                                                                  uint16_t port,
                                                                  const TlsClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  BIAC_RETURN_IF_ERROR(impl->connection.Open(host, port, options));
  return std::make_unique<HttpsConnection>(std::move(impl));
}

HttpsConnection::HttpsConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpsConnection::~HttpsConnection() = default;

Result<HttpClientResponse> HttpsConnection::Request(std::string_view method,
                                                    std::string_view target,
                                                    const HeaderList& headers,
                                                    std::string_view body) {
  Connection& c = impl_->connection;
  const http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    return InvalidArgument("HTTP method " + std::string(method) + ": unknown");
  }
  http::request<http::string_body> request{verb, target, kHttp11};
  request.set(http::field::host, c.host + ":" + std::to_string(c.port));
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::string(body);
  request.prepare_payload();
  request.keep_alive(true);

  beast::error_code ec;
  bool done = false;
  beast::get_lowest_layer(*c.stream).expires_after(c.timeout);
  http::async_write(*c.stream, request, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  RunUntil(
      c.io, [&] { return done; }, c.timeout + c.timeout);
  if (ec) return Unavailable(c.Where() + std::string(target) + ": write: " + ec.message());

  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBody);
  done = false;
  beast::get_lowest_layer(*c.stream).expires_after(c.timeout);
  http::async_read(*c.stream, impl_->buffer, parser, [&](beast::error_code e, size_t) {
    ec = e;
    done = true;
  });
  RunUntil(
      c.io, [&] { return done; }, c.timeout + c.timeout);
  if (ec) return Unavailable(c.Where() + std::string(target) + ": read: " + ec.message());
  beast::get_lowest_layer(*c.stream).expires_never();
  http::response<http::string_body>& message = parser.get();
  HttpClientResponse response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    response.headers.emplace_back(Lower(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(message.body());
  return response;
}

Result<HttpClientResponse> HttpsGet(const std::string& host, uint16_t port, std::string_view target,
                                    const HeaderList& headers, const TlsClientOptions& options) {
  BIAC_ASSIGN_OR_RETURN(auto connection, HttpsConnection::Connect(host, port, options));
  return connection->Request("GET", target, headers, {});
}

Result<HttpClientResponse> HttpsPost(const std::string& host, uint16_t port,
                                     std::string_view target, const HeaderList& headers,
                                     std::string_view body, const TlsClientOptions& options) {
  BIAC_ASSIGN_OR_RETURN(auto connection, HttpsConnection::Connect(host, port, options));
  return connection->Request("POST", target, headers, body);
}

struct WebSocketClient::Impl {
  Connection connection;
  std::optional<websocket::stream<TlsStream>> ws;
  beast::flat_buffer buffer;
  std::deque<WebSocketMessage> received;
  bool reading = false;
  beast::error_code read_error;

  void StartRead() {
    if (reading || read_error) return;
    reading = true;
    ws->async_read(buffer, [this](beast::error_code ec, size_t) {
      reading = false;
      if (ec) {
        read_error = ec;
        return;
      }
      received.push_back(
          WebSocketMessage{beast::buffers_to_string(buffer.data()), ws->got_binary()});
      buffer.consume(buffer.size());
    });
  }
};

Result<std::unique_ptr<WebSocketClient>> WebSocketClient::Connect(const std::string& host,
                                                                  uint16_t port,
                                                                  std::string_view target,
                                                                  const HeaderList& headers,
                                                                  const TlsClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  Connection& c = impl->connection;
  BIAC_RETURN_IF_ERROR(c.Open(host, port, options));
  impl->ws.emplace(std::move(*c.stream));
  c.stream.reset();
  websocket::stream<TlsStream>& ws = *impl->ws;
  ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& request) {
    for (const auto& [name, value] : headers) request.set(name, value);
  }));
  websocket::response_type response;
  beast::error_code ec;
  bool done = false;
  beast::get_lowest_layer(ws).expires_after(c.timeout);
  ws.async_handshake(response, c.host + ":" + std::to_string(port), target,
                     [&](beast::error_code e) {
                       ec = e;
                       done = true;
                     });
  RunUntil(
      c.io, [&] { return done; }, c.timeout + c.timeout);
  beast::get_lowest_layer(ws).expires_never();
  if (ec == websocket::error::upgrade_declined) {
    return Unavailable("websocket upgrade refused: " + std::to_string(response.result_int()) + " " +
                       response.body());
  }
  if (ec) return Unavailable(c.Where() + std::string(target) + ": websocket: " + ec.message());
  return std::make_unique<WebSocketClient>(std::move(impl));
}

WebSocketClient::WebSocketClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebSocketClient::~WebSocketClient() {
  // Cancel what is pending so that no handler refers to this object afterwards.
  if (impl_ && impl_->ws) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(*impl_->ws).socket().close(ignored);
    impl_->connection.io.restart();
    impl_->connection.io.poll();
  }
}

Result<WebSocketMessage> WebSocketClient::Read(Duration timeout) {
  Impl& impl = *impl_;
  if (impl.received.empty()) {
    impl.StartRead();
    RunUntil(
        impl.connection.io, [&] { return !impl.received.empty() || !impl.reading; }, timeout);
  }
  if (!impl.received.empty()) {
    WebSocketMessage message = std::move(impl.received.front());
    impl.received.pop_front();
    return message;
  }
  if (impl.read_error) return Unavailable("closed: " + impl.read_error.message());
  return Unavailable("timeout");
}

Status WebSocketClient::Send(std::string_view message, bool binary) {
  Impl& impl = *impl_;
  impl.ws->binary(binary);
  beast::error_code ec;
  bool done = false;
  impl.ws->async_write(asio::buffer(message.data(), message.size()),
                       [&](beast::error_code e, size_t) {
                         ec = e;
                         done = true;
                       });
  if (!RunUntil(
          impl.connection.io, [&] { return done; }, impl.connection.timeout)) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(*impl.ws).socket().close(ignored);
    RunUntil(
        impl.connection.io, [&] { return done; }, impl.connection.timeout);
    return Unavailable("websocket send: timeout");
  }
  if (ec) return Unavailable("websocket send: " + ec.message());
  return Status::Ok();
}

Status WebSocketClient::Close() {
  Impl& impl = *impl_;
  beast::error_code ec;
  bool done = false;
  impl.ws->async_close(websocket::close_code::normal, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  const bool finished = RunUntil(
      impl.connection.io, [&] { return done; }, impl.connection.timeout);
  boost::system::error_code ignored;
  beast::get_lowest_layer(*impl.ws).socket().close(ignored);
  RunUntil(
      impl.connection.io, [&] { return done && !impl.reading; }, impl.connection.timeout);
  if (!finished) return Unavailable("websocket close: timeout");
  if (ec) return Unavailable("websocket close: " + ec.message());
  return Status::Ok();
}

struct TlsStreamClient::Impl {
  Connection connection;
  std::array<char, kReadChunk> buffer{};
  std::string received;
  bool reading = false;
  beast::error_code read_error;

  void StartRead() {
    if (reading || read_error) return;
    reading = true;
    connection.stream->async_read_some(asio::buffer(buffer),
                                       [this](beast::error_code ec, size_t n) {
                                         reading = false;
                                         if (ec) {
                                           read_error = ec;
                                           return;
                                         }
                                         received.append(buffer.data(), n);
                                       });
  }
};

Result<std::unique_ptr<TlsStreamClient>> TlsStreamClient::Connect(const std::string& host,
                                                                  uint16_t port,
                                                                  const TlsClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  BIAC_RETURN_IF_ERROR(impl->connection.Open(host, port, options));
  return std::make_unique<TlsStreamClient>(std::move(impl));
}

TlsStreamClient::TlsStreamClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TlsStreamClient::~TlsStreamClient() {
  if (impl_ && impl_->connection.stream) {
    beast::get_lowest_layer(*impl_->connection.stream).close();
    impl_->connection.io.restart();
    impl_->connection.io.poll();
  }
}

Result<std::string> TlsStreamClient::Read(Duration timeout) {
  Impl& impl = *impl_;
  if (impl.received.empty()) {
    impl.StartRead();
    RunUntil(
        impl.connection.io, [&] { return !impl.reading; }, timeout);
  }
  if (!impl.received.empty()) return std::exchange(impl.received, std::string());
  if (impl.read_error) return Unavailable("closed: " + impl.read_error.message());
  return Unavailable("timeout");
}

Status TlsStreamClient::Write(std::string_view bytes) {
  Impl& impl = *impl_;
  beast::error_code ec;
  bool done = false;
  asio::async_write(*impl.connection.stream, asio::buffer(bytes.data(), bytes.size()),
                    [&](beast::error_code e, size_t) {
                      ec = e;
                      done = true;
                    });
  if (!RunUntil(
          impl.connection.io, [&] { return done; }, impl.connection.timeout)) {
    beast::get_lowest_layer(*impl.connection.stream).close();
    RunUntil(
        impl.connection.io, [&] { return done; }, impl.connection.timeout);
    return Unavailable("TLS stream write: timeout");
  }
  if (ec) return Unavailable("TLS stream write: " + ec.message());
  return Status::Ok();
}

Status TlsStreamClient::Close() {
  Impl& impl = *impl_;
  beast::error_code ec;
  bool done = false;
  beast::get_lowest_layer(*impl.connection.stream).expires_after(impl.connection.timeout);
  impl.connection.stream->async_shutdown([&](beast::error_code e) {
    ec = e;
    done = true;
  });
  RunUntil(
      impl.connection.io, [&] { return done; }, impl.connection.timeout);
  beast::get_lowest_layer(*impl.connection.stream).close();
  RunUntil(
      impl.connection.io, [&] { return done && !impl.reading; }, impl.connection.timeout);
  return Status::Ok();
}

}  // namespace biac::net
