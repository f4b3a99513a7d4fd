#pragma once

// Runs the real `biac serve` binary for end-to-end tests: writes nothing itself, starts the
// process with a configuration file, reads the endpoints it prints, and stops or kills it.

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "biac/base/status.h"

namespace biac::e2e {

// The value of an `Authorization: Basic` header (RFC 7617) for a user and password.
std::string BasicAuthorization(const std::string& user, const std::string& password);

class NodeProcess {
 public:
  NodeProcess(std::string binary, std::string config) : binary_(std::move(binary)), config_(std::move(config)) {}
  ~NodeProcess();  // SIGKILL if still running

  // Starts the node and waits (up to 60 s) until it printed its API address.
  Status Start();
  // SIGTERM and wait; returns the exit status.
  int Stop();
  // SIGKILL and wait.
  void Kill();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  uint16_t api_port() const { return api_port_; }
  uint16_t cot_port() const { return cot_port_; }
  uint16_t feed_port(const std::string& name) const;
  const std::string& ca_file() const { return ca_file_; }
  const std::string& output() const { return output_; }
  // Resident memory of the process now (VmRSS), bytes.
  uint64_t ResidentBytes() const;

 private:
  void Reap();
  std::string binary_, config_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string output_;
  uint16_t api_port_ = 0, cot_port_ = 0;
  std::string ca_file_;
  std::map<std::string, uint16_t> feed_ports_;
};

}  // namespace biac::e2e
