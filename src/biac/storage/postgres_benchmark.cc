// PostgreSQL store throughput (docs/storage.md "PostgreSQL"): sustained observation ingest
// through the writer thread (encode to binary COPY tuples + queue + COPY into the daily
// partition + commit, measured until everything is committed) and PutPicture of a
// 20,000-track view, against a throwaway local server (pg_fixture.h, Unix socket, fsync off),
// with the SQLite store's ingest beside it under the same machine load. Wall-clock time: the
// work is split between the calling thread, the writer thread and the server's processes.
// The inputs and the measured loops are bench_support.h's, shared with storage_benchmark.

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <utility>

#include "biac/storage/bench_support.h"
#include "biac/storage/pg_fixture.h"
#include "biac/storage/postgres_store.h"
#include "biac/storage/store.h"

namespace biac::storage {
namespace {

std::unique_ptr<Store> OpenPostgresOrSkip(benchmark::State& state) {
  Result<pgtest::Server*> server = pgtest::SharedServer();
  if (!server.ok()) {
    state.SkipWithError(server.error().message().c_str());
    return nullptr;
  }
  Result<std::string> url = (*server)->CreateDatabase();
  if (!url.ok()) {
    state.SkipWithError(url.error().message().c_str());
    return nullptr;
  }
  PostgresOptions options;
  options.url = *url;
  options.retention_hours = 0;
  Result<std::unique_ptr<Store>> store = OpenPostgres(options);
  if (!store.ok()) {
    state.SkipWithError(store.error().message().c_str());
    return nullptr;
  }
  return std::move(store).value();
}

void BM_PostgresAppendObservations(benchmark::State& state) {
  std::unique_ptr<Store> store = OpenPostgresOrSkip(state);
  if (store != nullptr) bench::RunAppend(state, *store);
}
BENCHMARK(BM_PostgresAppendObservations)
    ->Arg(500)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_SqliteAppendObservations(benchmark::State& state) {
  bench::TempDir dir;
  StoreOptions options;
  options.path = dir.File("store.db");
  options.retention_hours = 0;
  std::unique_ptr<Store> store = std::move(OpenSqlite(options)).value();
  bench::RunAppend(state, *store);
}
BENCHMARK(BM_SqliteAppendObservations)
    ->Arg(500)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_PostgresPutPicture20k(benchmark::State& state) {
  std::unique_ptr<Store> store = OpenPostgresOrSkip(state);
  if (store != nullptr) bench::RunPutPicture(state, *store);
}
BENCHMARK(BM_PostgresPutPicture20k)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);

}  // namespace
}  // namespace biac::storage

BENCHMARK_MAIN();
