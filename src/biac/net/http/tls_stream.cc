#include "biac/net/http/tls_stream.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <chrono>
#include <utility>

#include "biac/net/http/asio_support.h"

namespace biac::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kShutdownTimeout = std::chrono::seconds(2);
constexpr size_t kReadChunk = 16 << 10;
}  // namespace

struct TlsStreamServer::Impl {
  StreamServerOptions options;
  StreamConnectHandler on_connect;
  StreamDataHandler on_data;
  StreamCloseHandler on_close;
  std::unique_ptr<asio::ssl::context> ssl;
  internal::ServerCore core;

  std::atomic<uint64_t> connections{0}, sessions_open{0}, tls_failures{0}, rejected{0};
  std::atomic<uint64_t> sends_refused{0};
};

namespace {

using Impl = TlsStreamServer::Impl;

class StreamConnection : public StreamSession,
                         public internal::LiveConnection,
                         public std::enable_shared_from_this<StreamConnection> {
 public:
  StreamConnection(std::shared_ptr<Impl> server, tcp::socket socket)
      : server_(std::move(server)),
        stream_(std::move(socket), *server_->ssl),
        queue_(server_->options.queue_limit) {
    boost::system::error_code ec;
    const tcp::endpoint endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) peer_ = internal::EndpointText(endpoint);
  }

  ~StreamConnection() override {
    if (id_ != 0) server_->core.Unregister(id_);
  }

  bool Send(std::string bytes) override {
    if (!open_.load()) {
      server_->sends_refused++;
      return false;
    }
    const internal::SendQueue::PushResult result = queue_.Push(std::move(bytes), false);
    if (!result.accepted) {
      server_->sends_refused++;
      return false;
    }
    if (result.start_writer) {
      asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Write(); });
    }
    return true;
  }

  size_t queued_bytes() const override { return queue_.bytes(); }
  bool open() const override { return open_.load() && !queue_.closed(); }
  const std::string& client_subject() const override { return subject_; }
  const std::string& peer() const override { return peer_; }

  void Close() override {
    queue_.Close(/*discard=*/false);
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->close_requested_ = true;
      self->MaybeShutdown();
    });
  }

  void ForceClose() override {
    queue_.Close(/*discard=*/true);
    asio::post(stream_.get_executor(),
               [self = shared_from_this()] { beast::get_lowest_layer(self->stream_).close(); });
  }

  void Run(uint64_t id) {
    id_ = id;
    beast::get_lowest_layer(stream_).expires_after(kHandshakeTimeout);
    stream_.async_handshake(
        asio::ssl::stream_base::server,
        [self = shared_from_this()](beast::error_code ec) { self->OnHandshake(ec); });
  }

 private:
  void OnHandshake(beast::error_code ec) {
    if (ec) {
      server_->tls_failures++;
      beast::get_lowest_layer(stream_).close();
      return;
    }
    beast::get_lowest_layer(stream_).expires_never();
    subject_ = internal::VerifiedSubject(stream_.native_handle());
    open_ = true;
    bool accepted = false;
    try {
      accepted = server_->on_connect(subject_, peer_, shared_from_this());
    } catch (...) {
      accepted = false;
    }
    if (!accepted) {
      server_->rejected++;
      open_ = false;
      queue_.Clear();
      beast::get_lowest_layer(stream_).close();
      return;
    }
    server_->sessions_open++;
    counted_ = true;
    Read();
  }

  void Read() {
    stream_.async_read_some(
        asio::buffer(read_buffer_),
        [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(beast::error_code ec, size_t n) {
    if (ec) {
      // A client that sent close_notify gets ours (RFC 8446 §6.1) instead of a bare FIN.
      if ((SSL_get_shutdown(stream_.native_handle()) & SSL_RECEIVED_SHUTDOWN) != 0 &&
          !shutdown_sent_) {
        shutdown_sent_ = true;
        beast::get_lowest_layer(stream_).expires_after(kShutdownTimeout);
        stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
          beast::get_lowest_layer(self->stream_).close();
        });
      }
      return Finish();
    }
    if (server_->on_data) {
      try {
        server_->on_data(*this, std::string_view(read_buffer_.data(), n));
      } catch (...) {
        beast::get_lowest_layer(stream_).close();
        return Finish();
      }
    }
    Read();
  }

  void Write() {
    if (writing_ || !open_ || queue_.empty()) return;
    writing_ = true;
    const internal::SendQueue::Item& item = queue_.front();
    asio::async_write(
        stream_, asio::buffer(item.data),
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    writing_ = false;
    if (ec) {
      queue_.Clear();
      beast::get_lowest_layer(stream_).close();
      return;  // the read loop ends and calls Finish
    }
    if (queue_.Pop().more) return Write();
    MaybeShutdown();
  }

  void MaybeShutdown() {
    if (!close_requested_ || shutdown_sent_ || writing_ || !queue_.empty() || !open_) return;
    shutdown_sent_ = true;
    beast::get_lowest_layer(stream_).expires_after(kShutdownTimeout);
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::get_lowest_layer(self->stream_).close();
    });
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    open_ = false;
    queue_.Clear();
    if (counted_) {
      server_->sessions_open--;
      if (server_->on_close) {
        try {
          server_->on_close(*this);
        } catch (...) {
        }
      }
    }
    if (id_ != 0) {
      server_->core.Unregister(id_);
      id_ = 0;
    }
  }

  std::shared_ptr<Impl> server_;
  TlsStream stream_;
  internal::SendQueue queue_;
  std::array<char, kReadChunk> read_buffer_{};
  std::string peer_;
  std::string subject_;
  uint64_t id_ = 0;
  std::atomic<bool> open_{false};
  bool counted_ = false;
  bool finished_ = false;
  bool writing_ = false;
  bool close_requested_ = false;
  bool shutdown_sent_ = false;
};

}  // namespace

Result<std::unique_ptr<TlsStreamServer>> TlsStreamServer::Start(StreamServerOptions options,
                                                                StreamConnectHandler on_connect,
                                                                StreamDataHandler on_data,
                                                                StreamCloseHandler on_close) {
  if (!on_connect) return InvalidArgument("TlsStreamServer: no connect handler");
  auto impl = std::make_shared<Impl>();
  const internal::ClientCertificates policy = options.require_client_certificate
                                                  ? internal::ClientCertificates::kRequire
                                                  : internal::ClientCertificates::kRequest;
  BIAC_ASSIGN_OR_RETURN(impl->ssl, internal::MakeServerContext(options.tls, policy));
  BIAC_RETURN_IF_ERROR(impl->core.Listen(options.address, options.port));
  impl->options = std::move(options);
  impl->on_connect = std::move(on_connect);
  impl->on_data = std::move(on_data);
  impl->on_close = std::move(on_close);
  std::weak_ptr<Impl> weak = impl;
  impl->core.Run(impl->options.threads, [weak](tcp::socket socket) {
    std::shared_ptr<Impl> server = weak.lock();
    if (!server) return;
    server->connections++;
    if (server->core.live() >= server->options.max_connections) {
      server->rejected++;
      boost::system::error_code ignored;
      socket.close(ignored);
      return;
    }
    auto connection = std::make_shared<StreamConnection>(server, std::move(socket));
    const uint64_t id = server->core.Register(connection);
    if (id == 0) return;
    connection->Run(id);
  });
  return std::make_unique<TlsStreamServer>(std::move(impl));
}

TlsStreamServer::TlsStreamServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

TlsStreamServer::~TlsStreamServer() { Stop(); }

void TlsStreamServer::Stop() { impl_->core.Stop(); }

uint16_t TlsStreamServer::port() const { return impl_->core.port(); }

TlsStreamServer::Stats TlsStreamServer::stats() const {
  Stats stats;
  stats.connections = impl_->connections.load();
  stats.sessions_open = impl_->sessions_open.load();
  stats.tls_failures = impl_->tls_failures.load();
  stats.rejected = impl_->rejected.load();
  stats.sends_refused = impl_->sends_refused.load();
  return stats;
}

}  // namespace biac::net
