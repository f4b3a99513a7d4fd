// Store throughput (docs/storage.md): sustained observation ingest through the writer thread
// (encode + queue + batched commits, measured until everything is committed) and PutPicture
// of a 20,000-track view. Real files in a temporary directory; wall-clock time, because the
// work is split between the calling thread and the writer thread.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <stdlib.h>
#include <string>
#include <sys/resource.h>
#include <vector>

#include "biac/labels/label.h"
#include "biac/storage/store.h"

namespace biac::storage {
namespace {

const Timestamp kT0 = Timestamp::FromNanos(1'780'000'000'000'000'000LL);

// CPU seconds of the whole process (all threads): on a shared machine the wall-clock rate
// depends on the other users, the CPU cost per row does not.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * t.tv_usec; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "biac_storage_bench_XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// An AIS-like observation: position, covariance, velocity, MMSI, name, a REL TO label.
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

void BM_AppendObservations(benchmark::State& state) {
  const size_t batch_size = static_cast<size_t>(state.range(0));
  constexpr size_t kPerIteration = 100000;
  TempDir dir;
  StoreOptions options;
  options.path = dir.File("store.db");
  auto store = std::move(OpenSqlite(options)).value();
  const labels::Label label = *labels::Parse("SECRET//REL TO USA, JPN");
  std::vector<model::Observation> batch;
  uint64_t next = 1;
  double cpu = 0;
  for (auto _ : state) {
    const double cpu_start = ProcessCpuSeconds();
    for (size_t done = 0; done < kPerIteration; done += batch_size) {
      state.PauseTiming();  // building the input is the producer's work, not the store's
      batch.clear();
      for (size_t i = 0; i < batch_size; ++i) batch.push_back(AisObservation(next++, label));
      state.ResumeTiming();
      store->AppendObservations(batch, kT0);
    }
    if (!store->Flush().ok()) state.SkipWithError("flush failed");
    cpu += ProcessCpuSeconds() - cpu_start;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPerIteration));
  // Includes the paused input building (~a third of it): an upper bound on the store's cost.
  state.counters["items_per_cpu_second"] =
      static_cast<double>(state.iterations() * kPerIteration) / cpu;
  state.counters["commits"] = static_cast<double>(store->stats().commits);
}
BENCHMARK(BM_AppendObservations)
    ->Arg(500)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

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

void BM_PutPicture20k(benchmark::State& state) {
  constexpr uint64_t kTracks = 20000;
  TempDir dir;
  StoreOptions options;
  options.path = dir.File("store.db");
  auto store = std::move(OpenSqlite(options)).value();
  const labels::Label label = *labels::Parse("SECRET//REL TO USA, JPN");
  int64_t second = 0;
  model::Picture picture;
  // Steady state: the view already holds the 20,000 tracks (their first insert, with its
  // R*Tree writes, is not what a live node repeats every second).
  picture.time = kT0;
  for (uint64_t id = 1; id <= kTracks; ++id) picture.tracks.push_back(Track(id, kT0, 0, label));
  store->PutPicture("usa", picture);
  if (!store->Flush().ok()) state.SkipWithError("flush failed");
  double cpu = 0;
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
    const double cpu_start = ProcessCpuSeconds();
    store->PutPicture("usa", picture);
    if (!store->Flush().ok()) state.SkipWithError("flush failed");
    cpu += ProcessCpuSeconds() - cpu_start;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kTracks));
  state.counters["cpu_ms_per_picture"] = 1e3 * cpu / static_cast<double>(state.iterations());
}
BENCHMARK(BM_PutPicture20k)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);

}  // namespace
}  // namespace biac::storage

BENCHMARK_MAIN();
