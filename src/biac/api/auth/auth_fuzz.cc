// libFuzzer target for request authentication: the Authorization header and the client
// certificate subject come from the network. Input: header bytes, then optionally '\n' and the
// subject. Besides "no crash, no sanitizer report" it checks on every input:
// 1. success only for the three real credentials of the directory (alice's password, her
//    token, her certificate subject), with the method that matches;
// 2. every failure reason is one line of printable ASCII (it goes to the audit log verbatim).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sodium.h>
#include <string>
#include <string_view>

#include "biac/api/auth/accounts.h"

namespace {

using biac::api::Account;
using biac::api::AccountDirectory;

constexpr std::string_view kUser = "alice";
constexpr std::string_view kPassword = "pw";
constexpr std::string_view kSubject = "CN=alice";
const biac::Timestamp kNow = biac::Timestamp::FromNanos(1'717'200'000'000'000'000);

void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "auth_fuzz property failed: %s\n", what);
  std::abort();
}

const std::string& PasswordHash() {
  static const std::string hash =
      biac::api::HashPassword(kPassword, biac::api::TestPasswordCost()).value();
  return hash;
}

std::string BasicFor(std::string_view user, std::string_view password) {
  std::string plain = std::string(user) + ":" + std::string(password);
  std::string out(sodium_base64_ENCODED_LEN(plain.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();
  return out;
}

// The credentials part of "<scheme> <credentials>", trimmed as the directory trims it.
std::string_view Credentials(std::string_view header) {
  size_t space = header.find(' ');
  std::string_view rest = space == std::string_view::npos ? "" : header.substr(space);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  return rest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view header = input.substr(0, newline);
  std::string_view subject =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  AccountDirectory directory;
  Account alice;
  alice.name = std::string(kUser);
  alice.password_hash = PasswordHash();
  alice.certificate_subject = std::string(kSubject);
  Check(directory.Add(alice).ok(), "add alice");
  std::string token =
      directory.IssueToken(alice.name, std::chrono::hours(1), "", kNow).value().secret;

  auto result = directory.Authenticate({header, subject, kNow});
  if (result.ok()) {
    Check(result->user == kUser, "principal is alice");
    if (result->method == "certificate") {
      Check(header.empty() && subject == kSubject, "certificate only for her subject");
    } else if (result->method == "token") {
      Check(Credentials(header) == token, "token only for her token");
    } else {
      Check(result->method == "password", "known method");
      // The decoded credentials must be exactly alice:pw (base64 padding has one spelling
      // in libsodium's strict decoder).
      Check(Credentials(header) == BasicFor(kUser, kPassword), "password only for alice:pw");
    }
  } else {
    for (char c : result.error().message()) {
      Check(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f,
            "reason is printable ASCII");
    }
  }
  return 0;
}
