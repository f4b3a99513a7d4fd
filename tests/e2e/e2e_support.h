#pragma once

// What the end-to-end test binaries share besides the node process (node_process.h): their
// scratch folder, the common tables of a node configuration, HTTPS GETs on the node's API,
// polling, loopback addresses and main(). Header-only, so that each test binary's target
// lists only its own sources and node_process.cc.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <netinet/in.h>
#include <ostream>
#include <string>
#include <thread>
#include <unistd.h>

#include "biac/base/status.h"
#include "biac/net/http/client.h"
#include "biac/net/http/tls.h"

#include "tests/e2e/node_process.h"

namespace biac::e2e {

// A fresh scratch folder `<temp>/<prefix>-<pid>` (emptied if it exists).
inline std::string MakeScratchDir(const std::string& prefix) {
  namespace fs = std::filesystem;
  const std::string dir = fs::temp_directory_path() / fmt::format("{}-{}", prefix, ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Removes the scratch folder, unless BIAC_E2E_KEEP is set (to look at a failed run).
inline void RemoveScratchDir(const std::string& dir) {
  if (::getenv("BIAC_E2E_KEEP") == nullptr) std::filesystem::remove_all(dir);
}

// The head of a node configuration (docs/node.md): [node] `name` with data_dir "data", [api]
// (and [cot_out] if asked) on ephemeral loopback ports, and [fusion] with the given lines
// ("lag_s = 60\n..."). Overload shedding is off (shed_after_s = 0): these tests compare
// pictures, which must hold every observation however slow the machine (a sanitizer build
// on a busy CI runner); shedding has its own test (src/biac/app/node_test.cc).
inline void WriteNodeTables(std::ostream& out, const std::string& name, bool cot_out,
                            const std::string& fusion_lines) {
  out << "[node]\nname = \"" << name << "\"\ndata_dir = \"data\"\n"
      << "[api]\nlisten = \"127.0.0.1:0\"\n";
  if (cot_out) out << "[cot_out]\nlisten = \"127.0.0.1:0\"\n";
  out << "[fusion]\nshed_after_s = 0\n" << fusion_lines;
}

// A [[user]] table; `role` and `certificate_subject` are left out when empty.
struct UserEntry {
  std::string name;
  std::string audience;
  std::string password;
  std::string role;
  std::string certificate_subject;
};

inline void WriteUser(std::ostream& out, const UserEntry& user) {
  out << "[[user]]\nname = \"" << user.name << "\"\n";
  if (!user.role.empty()) out << "role = \"" << user.role << "\"\n";
  out << "audience = \"" << user.audience << "\"\npassword = \"" << user.password << "\"\n";
  if (!user.certificate_subject.empty()) {
    out << "certificate_subject = \"" << user.certificate_subject << "\"\n";
  }
}

// TLS options that trust the node's CA; with `cert`, the client certificate `cert`.pem and
// its key `cert`.key.
inline net::TlsClientOptions ClientTls(const NodeProcess& node, const std::string& cert = "") {
  net::TlsClientOptions o;
  o.ca_file = node.ca_file();
  if (!cert.empty()) {
    o.client_cert = cert + ".pem";
    o.client_key = cert + ".key";
  }
  return o;
}

// GET `target` on the node's API over HTTPS, with an Authorization header unless
// `authorization` is empty, and the client certificate `cert` if given.
inline Result<net::HttpClientResponse> ApiGet(const NodeProcess& node, const std::string& target,
                                              const std::string& authorization,
                                              const std::string& cert = "") {
  net::HeaderList headers;
  if (!authorization.empty()) headers.emplace_back("Authorization", authorization);
  return net::HttpsGet("127.0.0.1", node.api_port(), target, headers, ClientTls(node, cert));
}

// Asks `done` up to `attempts` times, 100 ms apart, until it says yes; returns its last answer.
inline bool PollUntil(int attempts, const std::function<bool()>& done) {
  for (int i = 0; i < attempts; ++i) {
    if (done()) return true;
    if (i + 1 < attempts) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// 127.0.0.1:`port`.
inline sockaddr_in Loopback(uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  return address;
}

// main() of an end-to-end test binary `name`, whose argument is the biac executable.
inline int E2eMain(int argc, char** argv, const char* name, std::string& binary) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s BIAC_BINARY\n", name);
    return 2;
  }
  binary = argv[1];
  return RUN_ALL_TESTS();
}

}  // namespace biac::e2e
