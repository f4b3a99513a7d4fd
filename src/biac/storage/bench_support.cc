#include "biac/storage/bench_support.h"

#include <chrono>
#include <stdlib.h>
#include <sys/resource.h>
#include <vector>

namespace biac::storage::bench {
namespace {

double CpuSeconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * t.tv_usec; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double ProcessCpuSeconds() { return CpuSeconds(RUSAGE_SELF); }
double ThreadCpuSeconds() { return CpuSeconds(RUSAGE_THREAD); }

}  // namespace

labels::Label BenchLabel() { return *labels::Parse("SECRET//REL TO USA, JPN"); }

model::Observation AisObservation(uint64_t id, const labels::Label& label) {
  model::Observation o;
  o.id = id;
  o.time = T0() + std::chrono::milliseconds(id);
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

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "biac_storage_bench_XXXXXX").string();
  path_ = mkdtemp(pattern.data());
}

TempDir::~TempDir() { std::filesystem::remove_all(path_); }

void RunAppend(benchmark::State& state, Store& store) {
  const size_t batch_size = static_cast<size_t>(state.range(0));
  const labels::Label label = BenchLabel();
  std::vector<model::Observation> batch;
  uint64_t next = 1;
  // Steady state: the writer's page cache (64 MiB) is full before the measurement, as in a
  // node that has run for a minute; filling it (a malloc and page faults per page) is not
  // what a running node repeats.
  for (size_t done = 0; done < kWarmupObservations; done += batch_size) {
    batch.clear();
    for (size_t i = 0; i < batch_size; ++i) batch.push_back(AisObservation(next++, label));
    store.AppendObservations(batch, T0());
  }
  if (!store.Flush().ok()) state.SkipWithError("flush failed");
  const uint64_t warmup_commits = store.stats().commits;
  double cpu = 0;
  double input_cpu = 0;
  for (auto _ : state) {
    const double cpu_start = ProcessCpuSeconds();
    for (size_t done = 0; done < kObservationsPerIteration; done += batch_size) {
      state.PauseTiming();  // building the input is the producer's work, not the store's
      const double input_start = ThreadCpuSeconds();
      batch.clear();
      for (size_t i = 0; i < batch_size; ++i) batch.push_back(AisObservation(next++, label));
      input_cpu += ThreadCpuSeconds() - input_start;
      state.ResumeTiming();
      store.AppendObservations(batch, T0());
    }
    if (!store.Flush().ok()) state.SkipWithError("flush failed");
    cpu += ProcessCpuSeconds() - cpu_start;
  }
  const auto items = static_cast<int64_t>(state.iterations() * kObservationsPerIteration);
  state.SetItemsProcessed(items);
  state.counters["items_per_cpu_second"] = static_cast<double>(items) / cpu;
  // The store's own CPU (encoding in this thread, the writer thread), without the input
  // building: on a loaded machine the wall-clock rate follows the other users, this not.
  state.counters["store_items_per_cpu_second"] = static_cast<double>(items) / (cpu - input_cpu);
  state.counters["commits"] = static_cast<double>(store.stats().commits - warmup_commits);
}

void RunPutPicture(benchmark::State& state, Store& store, int changed_percent) {
  constexpr uint64_t kPercent = 100;
  const labels::Label label = BenchLabel();
  model::Picture picture;
  picture.time = T0();
  for (uint64_t id = 1; id <= kPictureTracks; ++id) {
    picture.tracks.push_back(Track(id, T0(), 0, label));
  }
  store.PutPicture("usa", picture);
  if (!store.Flush().ok()) state.SkipWithError("flush failed");
  int64_t second = 0;
  double cpu = 0;
  for (auto _ : state) {
    state.PauseTiming();
    ++second;
    const Timestamp t = T0() + std::chrono::seconds(second);
    picture.time = t;
    for (uint64_t id = 1; id <= kPictureTracks; ++id) {
      if ((id + static_cast<uint64_t>(second)) % kPercent >=
          static_cast<uint64_t>(changed_percent)) {
        continue;  // unchanged: its state of the previous picture
      }
      picture.tracks[id - 1] = Track(id, t, static_cast<double>(second), label);
    }
    state.ResumeTiming();
    const double cpu_start = ProcessCpuSeconds();
    store.PutPicture("usa", picture);
    if (!store.Flush().ok()) state.SkipWithError("flush failed");
    cpu += ProcessCpuSeconds() - cpu_start;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPictureTracks));
  state.counters["cpu_ms_per_picture"] = 1e3 * cpu / static_cast<double>(state.iterations());
}

}  // namespace biac::storage::bench
