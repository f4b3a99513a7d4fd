#include "biac/net/http/asio_support.h"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/verify_mode.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <exception>
#include <utility>

namespace biac::net::internal {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
// SSL_CTX_set_session_id_context is required once peers are verified, or resumed sessions
// fail (OpenSSL SSL_CTX_set_session_id_context(3)).
constexpr unsigned char kSessionIdContext[] = "biac";
constexpr int kListenBacklog = 512;
constexpr auto kStopGraceStep = std::chrono::milliseconds(10);
constexpr int kStopGraceSteps = 500;  // 5 s
}  // namespace

Result<std::unique_ptr<asio::ssl::context>> MakeServerContext(const TlsFiles& files,
                                                              ClientCertificates policy) {
  if (files.certificate_chain.empty() || files.private_key.empty()) {
    return InvalidArgument("TLS: certificate_chain and private_key are required");
  }
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  context->set_options(asio::ssl::context::default_workarounds |
                       asio::ssl::context::no_compression | asio::ssl::context::single_dh_use);
  boost::system::error_code ec;
  context->use_certificate_chain_file(files.certificate_chain, ec);
  if (ec) return InvalidArgument(files.certificate_chain + ": certificate chain: " + ec.message());
  context->use_private_key_file(files.private_key, asio::ssl::context::pem, ec);
  if (ec) return InvalidArgument(files.private_key + ": private key: " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return InvalidArgument(files.private_key + ": does not match " + files.certificate_chain);
  }
  SSL_CTX_set_session_id_context(native, kSessionIdContext, sizeof(kSessionIdContext) - 1);
  if (policy == ClientCertificates::kNone) return context;
  if (files.client_ca.empty()) {
    if (policy == ClientCertificates::kRequire) {
      return InvalidArgument("TLS: client certificates required but no client_ca given");
    }
    return context;
  }
  context->load_verify_file(files.client_ca, ec);
  if (ec) return InvalidArgument(files.client_ca + ": client CA: " + ec.message());
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca.c_str());
  if (names == nullptr) {
    ERR_clear_error();
    return InvalidArgument(files.client_ca + ": no CA certificate names");
  }
  SSL_CTX_set_client_CA_list(native, names);  // takes ownership
  asio::ssl::verify_mode mode = asio::ssl::verify_peer;
  if (policy == ClientCertificates::kRequire) mode |= asio::ssl::verify_fail_if_no_peer_cert;
  context->set_verify_mode(mode, ec);
  if (ec) return Internal("TLS: set_verify_mode: " + ec.message());
  return context;
}

std::string VerifiedSubject(SSL* ssl) {
  X509* certificate = SSL_get0_peer_certificate(ssl);
  if (certificate == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return {};
  X509_NAME* name = X509_get_subject_name(certificate);
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return {};
  std::string subject(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return subject;
}

std::string EndpointText(const tcp::endpoint& endpoint) {
  const asio::ip::address address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

ServerCore::ServerCore() : acceptor_strand_(asio::make_strand(io_)), acceptor_(acceptor_strand_) {}

ServerCore::~ServerCore() { Stop(); }

Status ServerCore::Listen(const std::string& address, uint16_t port) {
  const std::string where = address + ":" + std::to_string(port);
  boost::system::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(address, ec);
  if (ec) return InvalidArgument("listen address " + address + ": " + ec.message());
  const tcp::endpoint endpoint(ip, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(kListenBacklog, ec);
  if (ec) return Unavailable("listen on " + where + ": " + ec.message());
  port_ = acceptor_.local_endpoint(ec).port();
  if (ec) return Unavailable("listen on " + where + ": " + ec.message());
  return Status::Ok();
}

void ServerCore::Run(int threads, AcceptHandler on_accept) {
  on_accept_ = std::move(on_accept);
  asio::post(acceptor_strand_, [this] { Accept(); });
  const int count = threads < 1 ? 1 : threads;
  for (int i = 0; i < count; ++i) threads_.emplace_back([this] { RunThread(); });
}

void ServerCore::RunThread() {
  // No exception may leave an io thread: a throwing handler loses its connection, not the node.
  for (;;) {
    try {
      io_.run();
      return;
    } catch (const std::exception&) {
    } catch (...) {
    }
  }
}

void ServerCore::Accept() {
  acceptor_.async_accept(asio::make_strand(io_),
                         [this](boost::system::error_code ec, tcp::socket socket) {
                           if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
                           if (!ec) {
                             // Messages go out when written: Nagle's algorithm would hold a
                             // small one back until the previous one is acknowledged, which
                             // the peer may delay (delayed ACK, up to 40 ms).
                             boost::system::error_code ignored;
                             socket.set_option(tcp::no_delay(true), ignored);
                             on_accept_(std::move(socket));
                           }
                           Accept();
                         });
}

uint64_t ServerCore::Register(std::weak_ptr<LiveConnection> connection) {
  std::lock_guard lock(mutex_);
  if (stopped_) return 0;
  const uint64_t id = next_id_++;
  live_.emplace(id, std::move(connection));
  return id;
}

void ServerCore::Unregister(uint64_t id) {
  std::lock_guard lock(mutex_);
  live_.erase(id);
}

size_t ServerCore::live() const {
  std::lock_guard lock(mutex_);
  return live_.size();
}

void ServerCore::Stop() {
  std::vector<std::weak_ptr<LiveConnection>> connections;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    for (auto& [id, connection] : live_) connections.push_back(connection);
  }
  asio::post(acceptor_strand_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  for (auto& weak : connections) {
    if (auto connection = weak.lock()) connection->ForceClose();
  }
  // The io threads return once every closed connection's handlers have run. A timer that a
  // library left behind must not hold Stop for its whole period: after a grace time the
  // remaining handlers are destroyed without running. They may own connections, which own the
  // server that owns this context: left in the context, they would never be freed.
  for (int i = 0; !threads_.empty() && i < kStopGraceSteps && !io_.stopped(); ++i) {
    std::this_thread::sleep_for(kStopGraceStep);
  }
  io_.stop();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  io_.Shutdown();
}

SendQueue::PushResult SendQueue::Push(std::string data, bool binary) {
  std::lock_guard lock(mutex_);
  if (closed_) return {};
  if (data.size() > limit_ || bytes_ + data.size() > limit_) {
    pressure_ = true;
    return {};
  }
  bytes_ += data.size();
  if (bytes_ > limit_ / 2) pressure_ = true;
  items_.push_back(Item{std::move(data), binary});
  PushResult result{true, !writing_};
  writing_ = true;
  return result;
}

const SendQueue::Item& SendQueue::front() const {
  std::lock_guard lock(mutex_);
  return items_.front();
}

SendQueue::PopResult SendQueue::Pop() {
  std::lock_guard lock(mutex_);
  PopResult result;
  if (!items_.empty()) {
    bytes_ -= items_.front().data.size();
    items_.pop_front();
  }
  if (pressure_ && bytes_ < limit_ / 2 && !closed_) {
    pressure_ = false;
    result.writable = true;
  }
  result.more = !items_.empty();
  writing_ = result.more;
  return result;
}

bool SendQueue::empty() const {
  std::lock_guard lock(mutex_);
  return items_.empty();
}

void SendQueue::Close(bool discard) {
  std::lock_guard lock(mutex_);
  closed_ = true;
  if (discard && items_.size() > 1) {
    // The front item may be in the middle of being written: keep it.
    while (items_.size() > 1) {
      bytes_ -= items_.back().data.size();
      items_.pop_back();
    }
  }
}

void SendQueue::Clear() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  items_.clear();
  bytes_ = 0;
  writing_ = false;
}

bool SendQueue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

size_t SendQueue::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace biac::net::internal
