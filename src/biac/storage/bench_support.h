#pragma once

// What storage_benchmark and postgres_benchmark share (docs/storage.md "Measured"): the
// inputs (an AIS-like observation, a fused track), a temporary directory, and the two
// measured loops (sustained observation ingest, steady-state PutPicture of a 20,000-track
// view) run against any Store, so both backends are measured the same way.

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "biac/base/time.h"
#include "biac/labels/label.h"
#include "biac/model/observation.h"
#include "biac/model/picture.h"
#include "biac/storage/store.h"

namespace biac::storage::bench {

// The time of the first input: 2026-05-28T20:26:40Z.
inline constexpr int64_t kT0Nanos = 1'780'000'000'000'000'000LL;
inline Timestamp T0() { return Timestamp::FromNanos(kT0Nanos); }

inline constexpr size_t kObservationsPerIteration = 100000;
inline constexpr size_t kWarmupObservations = 400000;  // ~90 MB: more than the page cache
inline constexpr uint64_t kPictureTracks = 20000;

// The label of every input.
labels::Label BenchLabel();  // SECRET//REL TO USA, JPN

// An AIS-like observation: position, covariance, velocity, MMSI, name, a label.
model::Observation AisObservation(uint64_t id, const labels::Label& label);

// A fused track of a 200-column grid with 0.1° spacing, moved north by step * 1e-3°; with
// its 6x6 covariance and 16 provenance ids its JSON is ~1.3 kB.
model::FusedTrack Track(uint64_t id, Timestamp time, double step, const labels::Label& label);

// A fresh directory under the system temporary directory, removed with its content.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Appends kWarmupObservations untimed, then kObservationsPerIteration observations per
// iteration in batches of state.range(0), then flushes (everything committed). Building the
// input is not timed. Sets items per second and the counters `commits` and `items_per_cpu_second` (CPU of the whole process,
// all threads, including the paused input building: an upper bound on the store's cost;
// on a shared machine the wall-clock rate depends on the other users, the CPU per row not)
// and `store_items_per_cpu_second` (the same without the input building's CPU).
void RunAppend(benchmark::State& state, Store& store);

// Puts a kPictureTracks-track picture of view "usa" once untimed (steady state: the view
// already holds the tracks; their first insert is not what a live node repeats every
// second), then per iteration the same tracks one second later, `changed_percent` of them
// (every track whose id % 100 is below it, shifted by one track per iteration) moved and
// the others as they were, and flushes. Sets items (tracks of the picture, changed or not)
// per second and the counter `cpu_ms_per_picture`.
void RunPutPicture(benchmark::State& state, Store& store, int changed_percent = 100);

}  // namespace biac::storage::bench
