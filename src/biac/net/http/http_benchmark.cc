// Requests per second for a small JSON response over one keep-alive TLS connection per
// benchmark thread (loopback; server with 2 io threads).

#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "biac/net/http/client.h"
#include "biac/net/http/server.h"
#include "biac/net/http/tls.h"

namespace biac::net {
namespace {

struct Fixture {
  Fixture() {
    dir = (std::filesystem::temp_directory_path() / "biac_http_benchmark").string();
    std::filesystem::remove_all(dir);
    auto local = EnsureLocalCa(dir, {"localhost", "127.0.0.1"});
    if (!local.ok()) std::abort();
    ca = *local;
    HttpServerOptions options;
    options.tls = ServerTlsFiles(ca);
    auto started = HttpServer::Start(
        options,
        [](const HttpRequest&) {
          return HttpResponse{200, "application/json", R"({"tracks":42,"status":"ok"})", {}};
        },
        nullptr);
    if (!started.ok()) std::abort();
    server = std::move(*started);
  }
  ~Fixture() {
    server.reset();
    std::filesystem::remove_all(dir);
  }
  std::string dir;
  LocalCa ca;
  std::unique_ptr<HttpServer> server;
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

void BM_KeepAliveGet(benchmark::State& state) {
  Fixture& fixture = Shared();
  const TlsClientOptions options{fixture.ca.ca_certificate, "", "", std::chrono::seconds(10)};
  auto connection = HttpsConnection::Connect("localhost", fixture.server->port(), options);
  if (!connection.ok()) {
    state.SkipWithError(connection.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    auto response = (*connection)->Request("GET", "/api/v1/health", {}, "");
    if (!response.ok() || response->status != 200) {
      state.SkipWithError("request failed");
      break;
    }
    benchmark::DoNotOptimize(response->body.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeepAliveGet)->UseRealTime();
BENCHMARK(BM_KeepAliveGet)->Threads(2)->UseRealTime();

void BM_NewConnectionGet(benchmark::State& state) {
  Fixture& fixture = Shared();
  const TlsClientOptions options{fixture.ca.ca_certificate, "", "", std::chrono::seconds(10)};
  for (auto _ : state) {
    auto response = HttpsGet("localhost", fixture.server->port(), "/api/v1/health", {}, options);
    if (!response.ok()) {
      state.SkipWithError("request failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NewConnectionGet)->UseRealTime();

}  // namespace
}  // namespace biac::net

BENCHMARK_MAIN();
