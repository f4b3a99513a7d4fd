#include "tests/e2e/node_process.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace biac::e2e {

std::string BasicAuthorization(const std::string& user, const std::string& password) {
  const std::string in = user + ":" + password;
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');  // base64 and EVP_EncodeBlock's NUL
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return "Basic " + out;
}

NodeProcess::~NodeProcess() {
  if (pid_ > 0) Kill();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

Status NodeProcess::Start() {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return Internal("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<std::string> args = {binary_, "serve", "--config", config_};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = posix_spawn(&pid_, binary_.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    pid_ = -1;
    return Internal(std::string("posix_spawn: ") + std::strerror(rc));
  }
  stdout_fd_ = pipe_fds[0];
  output_.clear();
  feed_ports_.clear();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string line;
  size_t consumed = 0;
  bool api_seen = false;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{stdout_fd_, POLLIN, 0};
    if (::poll(&p, 1, 200) > 0) {
      char buffer[4096];
      const ssize_t n = ::read(stdout_fd_, buffer, sizeof(buffer));
      if (n <= 0) break;  // the node exited
      output_.append(buffer, static_cast<size_t>(n));
    }
    size_t newline;
    while ((newline = output_.find('\n', consumed)) != std::string::npos) {
      line = output_.substr(consumed, newline - consumed);
      consumed = newline + 1;
      unsigned port = 0;
      char host[128] = {0};
      char path[1024] = {0};
      char name[128] = {0};
      if (std::sscanf(line.c_str(), "  api        https://%127[^:]:%u/  (trust %1023[^,)]", host,
                      &port, path) == 3) {
        api_port_ = static_cast<uint16_t>(port);
        ca_file_ = path;
        api_seen = true;
      } else if (std::sscanf(line.c_str(), "  cot out    tls://%127[^:]:%u", host, &port) == 2) {
        cot_port_ = static_cast<uint16_t>(port);
      } else if (std::sscanf(line.c_str(), "  feed       %127s port %u", name, &port) == 2) {
        feed_ports_[name] = static_cast<uint16_t>(port);
      }
    }
    // The feed lines follow the api line at once: wait for the output to settle.
    if (api_seen) {
      pollfd p{stdout_fd_, POLLIN, 0};
      if (::poll(&p, 1, 300) == 0) return Status::Ok();
    }
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
  return Unavailable("the node did not start; its output: " + output_);
}

uint16_t NodeProcess::feed_port(const std::string& name) const {
  auto it = feed_ports_.find(name);
  return it == feed_ports_.end() ? 0 : it->second;
}

void NodeProcess::Reap() {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int NodeProcess::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void NodeProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  Reap();
}

uint64_t NodeProcess::ResidentBytes() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      uint64_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

}  // namespace biac::e2e
