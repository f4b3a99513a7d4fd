// Cost of authenticating one request: a cached Basic password, a Bearer token, a certificate
// subject, and the uncached argon2id check at the default cost (docs/api-auth.md).

#include "biac/api/auth/accounts.h"

#include <benchmark/benchmark.h>

#include <sodium.h>
#include <string>

namespace biac::api {
namespace {

const Timestamp kNow = Timestamp::FromNanos(1'717'200'000'000'000'000);
constexpr std::string_view kPassword = "correct horse battery";

std::string BasicHeader(std::string_view user, std::string_view password) {
  std::string plain = std::string(user) + ":" + std::string(password);
  std::string out(sodium_base64_ENCODED_LEN(plain.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();
  return "Basic " + out;
}

// One directory with one account at the default cost, shared by the benchmarks below.
AccountDirectory& Directory() {
  static AccountDirectory directory;
  static const bool ready = [] {
    Account a;
    a.name = "analyst";
    a.password_hash = HashPassword(kPassword, DefaultPasswordCost()).value();
    a.certificate_subject = "CN=analyst,O=BIAC";
    return directory.Add(a).ok();
  }();
  (void)ready;
  return directory;
}

void BM_CachedBasic(benchmark::State& state) {
  std::string header = BasicHeader("analyst", kPassword);
  if (!Directory().Authenticate({header, "", kNow}).ok()) state.SkipWithError("login failed");
  for (auto _ : state) benchmark::DoNotOptimize(Directory().Authenticate({header, "", kNow}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CachedBasic);

void BM_Token(benchmark::State& state) {
  std::string header =
      "Bearer " +
      Directory().IssueToken("analyst", std::chrono::hours(1), "bench", kNow).value().secret;
  for (auto _ : state) benchmark::DoNotOptimize(Directory().Authenticate({header, "", kNow}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Token);

void BM_Certificate(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Directory().Authenticate({"", "CN=analyst,O=BIAC", kNow}));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Certificate);

void BM_VerifyPasswordDefaultCost(benchmark::State& state) {
  std::string hash = HashPassword(kPassword, DefaultPasswordCost()).value();
  for (auto _ : state) benchmark::DoNotOptimize(VerifyPassword(hash, kPassword));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyPasswordDefaultCost)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace biac::api

BENCHMARK_MAIN();
