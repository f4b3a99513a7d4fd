// PostgreSQL store throughput (docs/storage.md "PostgreSQL"): sustained observation ingest
// through the writer thread (encode to binary COPY tuples + queue + COPY into the daily
// partition + commit, measured until everything is committed) and PutPicture of a
// 20,000-track view, against a throwaway local server (pg_fixture.h, Unix socket, fsync off),
// with the SQLite store's ingest beside it under the same machine load. Wall-clock time: the
// work is split between the calling thread, the writer thread and the server's processes.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <stdlib.h>
#include <string>
#include <vector>

#include "biac/labels/label.h"
#include "biac/storage/pg_fixture.h"
#include "biac/storage/postgres_store.h"
#include "biac/storage/store.h"

namespace biac::storage {
namespace {

const Timestamp kT0 = Timestamp::FromNanos(1'780'000'000'000'000'000LL);
constexpr size_t kPerIteration = 100000;
constexpr uint64_t kTracks = 20000;

model::Observation AisObservation(uint64_t id, const labels::Label& label) {
  model::Observation o;
  o.id = id;
  o.time = kT0 + std::chrono::milliseconds(id);
  o.source = "ais-naha";
  o.sensor = "rx-3";
  o.source_kind = model::SourceKind::kAis;
  o.position = {26.0 + 1e-5 * static_cast<double>(id % 10000), 127.5, 0};
  o.position_covariance = Eigen::Matrix3d::Identity() * 100;
  o.velocity_enu = Eigen::Vector3d(3.1, -1.2, 0);
  o.velocity_covariance = Eigen::Matrix3d::Identity() * 0.25;
  o.identity.mmsi = static_cast<uint32_t>(431000000 + id % 5000);
  o.identity.name = "SHIP " + std::to_string(id % 5000);
  o.identity.category = "70";
  o.label = label;
  return o;
}

model::FusedTrack Track(uint64_t id, Timestamp time, double step, const labels::Label& label) {
  model::FusedTrack t;
  t.id = id;
  t.time = time;
  t.position = {20.0 + static_cast<double>(id % 200) * 0.1 + step * 1e-3,
                120.0 + static_cast<double>(id / 200) * 0.1, 0};
  t.velocity_enu = Eigen::Vector3d(5, 1, 0);
  t.covariance = Eigen::Matrix<double, 6, 6>::Identity() * 25;
  t.identity.mmsi = static_cast<uint32_t>(431000000 + id);
  t.identity.name = "TRACK " + std::to_string(id);
  t.domain = model::Domain::kSea;
  t.label = label;
  t.sources = {"ais-naha", "radar-us"};
  for (uint64_t p = 0; p < 16; ++p) t.provenance.push_back(id * 100 + p);
  t.updates = 16;
  return t;
}

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

void RunAppend(benchmark::State& state, Store& store) {
  const size_t batch_size = static_cast<size_t>(state.range(0));
  const labels::Label label = *labels::Parse("SECRET//REL TO USA, JPN");
  std::vector<model::Observation> batch;
  uint64_t next = 1;
  for (auto _ : state) {
    for (size_t done = 0; done < kPerIteration; done += batch_size) {
      state.PauseTiming();  // building the input is the producer's work, not the store's
      batch.clear();
      for (size_t i = 0; i < batch_size; ++i) batch.push_back(AisObservation(next++, label));
      state.ResumeTiming();
      store.AppendObservations(batch, kT0);
    }
    if (!store.Flush().ok()) state.SkipWithError("flush failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPerIteration));
  state.counters["commits"] = static_cast<double>(store.stats().commits);
}

void BM_PostgresAppendObservations(benchmark::State& state) {
  std::unique_ptr<Store> store = OpenPostgresOrSkip(state);
  if (store != nullptr) RunAppend(state, *store);
}
BENCHMARK(BM_PostgresAppendObservations)
    ->Arg(500)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_SqliteAppendObservations(benchmark::State& state) {
  std::string pattern = (std::filesystem::temp_directory_path() / "biac_pg_bench_XXXXXX").string();
  const std::filesystem::path dir = mkdtemp(pattern.data());
  {
    StoreOptions options;
    options.path = (dir / "store.db").string();
    options.retention_hours = 0;
    auto store = std::move(OpenSqlite(options)).value();
    RunAppend(state, *store);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SqliteAppendObservations)
    ->Arg(500)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_PostgresPutPicture20k(benchmark::State& state) {
  std::unique_ptr<Store> store = OpenPostgresOrSkip(state);
  if (store == nullptr) return;
  const labels::Label label = *labels::Parse("SECRET//REL TO USA, JPN");
  model::Picture picture;
  picture.time = kT0;  // steady state: the view already holds the tracks
  for (uint64_t id = 1; id <= kTracks; ++id) picture.tracks.push_back(Track(id, kT0, 0, label));
  store->PutPicture("usa", picture);
  if (!store->Flush().ok()) state.SkipWithError("flush failed");
  int64_t second = 0;
  for (auto _ : state) {
    state.PauseTiming();
    ++second;
    const Timestamp t = kT0 + std::chrono::seconds(second);
    picture.time = t;
    picture.tracks.clear();
    for (uint64_t id = 1; id <= kTracks; ++id) {
      picture.tracks.push_back(Track(id, t, static_cast<double>(second), label));
    }
    state.ResumeTiming();
    store->PutPicture("usa", picture);
    if (!store->Flush().ok()) state.SkipWithError("flush failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kTracks));
}
BENCHMARK(BM_PostgresPutPicture20k)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);

}  // namespace
}  // namespace biac::storage

BENCHMARK_MAIN();
