// Store throughput (docs/storage.md): sustained observation ingest through the writer thread
// (encode + queue + batched commits, measured until everything is committed) and PutPicture
// of a 20,000-track view. Real files in a temporary directory; wall-clock time, because the
// work is split between the calling thread and the writer thread. The inputs and the
// measured loops are bench_support.h's, shared with postgres_benchmark.

#include <benchmark/benchmark.h>

#include <memory>
#include <utility>

#include "biac/storage/bench_support.h"
#include "biac/storage/store.h"

namespace biac::storage {
namespace {

void BM_AppendObservations(benchmark::State& state) {
  bench::TempDir dir;
  StoreOptions options;
  options.path = dir.File("store.db");
  std::unique_ptr<Store> store = std::move(OpenSqlite(options)).value();
  bench::RunAppend(state, *store);
}
BENCHMARK(BM_AppendObservations)
    ->Arg(500)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_PutPicture20k(benchmark::State& state) {
  bench::TempDir dir;
  StoreOptions options;
  options.path = dir.File("store.db");
  std::unique_ptr<Store> store = std::move(OpenSqlite(options)).value();
  bench::RunPutPicture(state, *store);
}
BENCHMARK(BM_PutPicture20k)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);

// The node's typical second at 10,000 observations/s: a tenth of the tracks changed.
void BM_PutPicture20kTenPercentChanged(benchmark::State& state) {
  bench::TempDir dir;
  StoreOptions options;
  options.path = dir.File("store.db");
  std::unique_ptr<Store> store = std::move(OpenSqlite(options)).value();
  bench::RunPutPicture(state, *store, /*changed_percent=*/10);
}
BENCHMARK(BM_PutPicture20kTenPercentChanged)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(4);

}  // namespace
}  // namespace biac::storage

BENCHMARK_MAIN();
