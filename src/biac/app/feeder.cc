#include "biac/app/feeder.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "biac/base/log.h"

namespace biac::app {

namespace {

constexpr auto kStep = std::chrono::milliseconds(5);  // records are sent in steps this long

Result<sockaddr_in> Address(const std::string& host, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) {
    return InvalidArgument(fmt::format("feeder: '{}' is not an IPv4 address", host));
  }
  return a;
}

}  // namespace

class Feeder::Impl {
 public:
  struct Socket {
    FeederTarget target;
    sockaddr_in address{};
    int fd = -1;
  };

  ~Impl() { Stop(); }

  Status Open(std::vector<FeederTarget> targets) {
    for (FeederTarget& t : targets) {
      auto address = Address(t.host, t.port);
      if (!address.ok()) return address.status();
      Socket s{t, *address, -1};
      sockets_.emplace(t.source, std::move(s));
    }
    for (auto& [name, s] : sockets_) {
      if (const Status st = Connect(s); !st.ok()) return st;
    }
    return Status::Ok();
  }

  Status Connect(Socket& s) {
    if (s.fd >= 0) ::close(s.fd);
    const bool tcp = s.target.transport == sim::WireTransport::kTcp;
    s.fd = ::socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
    if (s.fd < 0) return Internal("feeder: socket: " + std::string(std::strerror(errno)));
    if (tcp) {
      if (::connect(s.fd, reinterpret_cast<const sockaddr*>(&s.address), sizeof(s.address)) != 0) {
        const std::string reason = std::strerror(errno);
        ::close(s.fd);
        s.fd = -1;
        return Unavailable(fmt::format("feeder: {}: connect {}:{}: {}", s.target.source,
                                       s.target.host, s.target.port, reason));
      }
      const int one = 1;
      ::setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    } else {
      const int buffer = 4 << 20;
      ::setsockopt(s.fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof(buffer));
    }
    return Status::Ok();
  }

  void Send(const sim::WireRecord& r) {
    auto it = sockets_.find(r.source);
    if (it == sockets_.end()) return;  // a source the node does not listen to
    Socket& s = it->second;
    if (s.fd < 0 && !Connect(s).ok()) {
      ++send_errors_;
      return;
    }
    if (s.target.transport == sim::WireTransport::kUdp) {
      if (::sendto(s.fd, r.bytes.data(), r.bytes.size(), 0,
                   reinterpret_cast<const sockaddr*>(&s.address), sizeof(s.address)) < 0) {
        ++send_errors_;
        return;
      }
    } else {
      size_t done = 0;
      while (done < r.bytes.size()) {
        const ssize_t n = ::send(s.fd, r.bytes.data() + done, r.bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0) {
          if (n < 0 && errno == EINTR) continue;
          ++send_errors_;
          ::close(s.fd);
          s.fd = -1;
          return;
        }
        done += static_cast<size_t>(n);
      }
    }
    ++records_;
    bytes_ += r.bytes.size();
  }

  void Run(RecordSource source, Timestamp first, Timestamp wall_start, double speed,
           const Clock* clock) {
    std::vector<sim::WireRecord> batch;
    Timestamp until = first;
    bool more = true;
    while (more && !stop_) {
      until = until + kStep;
      // Record time `until` is due at this wall time.
      const auto offset = std::chrono::duration<double>(until - first).count() / speed;
      const Timestamp due = wall_start + std::chrono::duration_cast<Duration>(
                                             std::chrono::duration<double>(offset));
      const Timestamp now = clock->Now();
      if (due > now) std::this_thread::sleep_for(due - now);
      batch.clear();
      more = source(until, batch);
      for (const sim::WireRecord& r : batch) Send(r);
    }
    finished_ = true;
  }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (auto& [name, s] : sockets_) {
      if (s.fd >= 0) ::close(s.fd);
      s.fd = -1;
    }
  }

  std::map<std::string, Socket> sockets_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::atomic<uint64_t> records_{0}, bytes_{0}, send_errors_{0};
};

Feeder::Feeder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Feeder::~Feeder() { Stop(); }
void Feeder::Stop() { impl_->Stop(); }

FeederStats Feeder::stats() const {
  return {impl_->records_.load(), impl_->bytes_.load(), impl_->send_errors_.load(),
          impl_->finished_.load()};
}

Result<std::unique_ptr<Feeder>> Feeder::Start(std::vector<FeederTarget> targets,
                                              RecordSource source, Timestamp first,
                                              Timestamp wall_start, double speed,
                                              const Clock* clock) {
  if (!(speed > 0)) return InvalidArgument("feeder: speed must be positive");
  auto impl = std::make_unique<Impl>();
  BIAC_RETURN_IF_ERROR(impl->Open(std::move(targets)));
  Impl* raw = impl.get();
  raw->thread_ = std::thread([raw, source = std::move(source), first, wall_start, speed, clock] {
    raw->Run(source, first, wall_start, speed, clock);
  });
  return std::unique_ptr<Feeder>(new Feeder(std::move(impl)));
}

RecordSource RecordsFrom(std::vector<sim::WireRecord> records) {
  auto shared = std::make_shared<std::vector<sim::WireRecord>>(std::move(records));
  auto next = std::make_shared<size_t>(0);
  return [shared, next](Timestamp until, std::vector<sim::WireRecord>& out) {
    while (*next < shared->size() && (*shared)[*next].send_time <= until) {
      out.push_back((*shared)[*next]);
      ++*next;
    }
    return *next < shared->size();
  };
}

}  // namespace biac::app
