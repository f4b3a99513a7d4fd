#include "biac/app/node_signals.h"

#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

namespace biac::app {

namespace {

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void BlockStopSignals() {
  const sigset_t set = StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

int WaitForStopSignal(Duration timeout) {
  const sigset_t set = StopSignals();
  if (timeout == Duration::max()) {
    int signal = 0;
    while (sigwait(&set, &signal) != 0) {
    }
    return signal;
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  timespec wait{static_cast<time_t>(seconds.count()),
                static_cast<long>((timeout - seconds).count())};  // NOLINT(runtime/int)
  while (true) {
    const int signal = sigtimedwait(&set, nullptr, &wait);
    if (signal > 0) return signal;
    if (errno == EAGAIN) return 0;
  }
}

void PrintEndpoints(const Node& node, const std::string& node_name) {
  const NodeEndpoints& e = node.endpoints();
  std::printf("biac node %s\n", node_name.c_str());
  std::printf("  api        https://%s:%u/  (trust %s%s)\n", e.api_address.c_str(), e.api_port,
              e.ca_certificate.c_str(), e.created_ca ? ", created now" : "");
  if (e.cot_port != 0) {
    std::printf("  cot out    tls://127.0.0.1:%u  (client certificate required)\n", e.cot_port);
  }
  for (const auto& [name, port] : e.feed_ports) {
    if (port != 0) std::printf("  feed       %-12s port %u\n", name.c_str(), port);
  }
}

}  // namespace biac::app
