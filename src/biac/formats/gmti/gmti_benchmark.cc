// Decoding speed of STANAG 4607 dwells of 100 target reports: dwells per second and target
// reports per second, on the allocation-free path (one DwellSegment reused across calls).

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "biac/formats/gmti/decoder.h"
#include "biac/formats/gmti/encoder.h"

namespace biac::formats::gmti {
namespace {

constexpr int kReports = 100;

// A dwell as an airborne GMTI radar sends it: delta positions with scale factors, height,
// radial velocity with wrap velocity, SNR, classification and measurement uncertainties.
std::vector<uint8_t> TypicalDwell() {
  DwellSegment d;
  d.SetValue(DwellField::kDwellTime, 43200500);
  d.SetValue(DwellField::kSensorLat, 26.2);
  d.SetValue(DwellField::kSensorLon, 127.7);
  d.SetValue(DwellField::kSensorAlt, 12000.0);
  d.SetRaw(DwellField::kLatScaleFactor, 65536);
  d.SetRaw(DwellField::kLonScaleFactor, 65536);
  d.SetValue(DwellField::kDwellCenterLat, 26.5);
  d.SetValue(DwellField::kDwellCenterLon, 128.0);
  d.SetValue(DwellField::kRangeHalfExtent, 20.0);
  d.SetValue(DwellField::kAngleHalfExtent, 10.0);
  for (TargetField f : {TargetField::kDeltaLat, TargetField::kDeltaLon,
                        TargetField::kGeodeticHeight, TargetField::kVelocityLos,
                        TargetField::kWrapVelocity, TargetField::kSnr, TargetField::kClassification,
                        TargetField::kSlantRangeUncertainty, TargetField::kCrossRangeUncertainty,
                        TargetField::kHeightUncertainty, TargetField::kRadialVelocityUncertainty}) {
    d.existence_mask |= MaskBit(f);
  }
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> delta(-3000, 3000);
  d.reports.resize(kReports);
  for (TargetReport& r : d.reports) {
    r.SetRaw(TargetField::kDeltaLat, delta(rng));
    r.SetRaw(TargetField::kDeltaLon, delta(rng));
    r.SetValue(TargetField::kGeodeticHeight, 30);
    r.SetValue(TargetField::kVelocityLos, delta(rng) / 100.0);
    r.SetValue(TargetField::kWrapVelocity, 60.0);
    r.SetValue(TargetField::kSnr, 15);
    r.SetValue(TargetField::kClassification, 2);
    r.SetValue(TargetField::kSlantRangeUncertainty, 10.0);
    r.SetValue(TargetField::kCrossRangeUncertainty, 30.0);
    r.SetValue(TargetField::kHeightUncertainty, 20);
    r.SetValue(TargetField::kRadialVelocityUncertainty, 0.5);
  }
  std::vector<uint8_t> bytes;
  (void)AppendDwell(d, bytes);
  return std::vector<uint8_t>(bytes.begin() + segment_header::kBytes, bytes.end());
}

void BM_DecodeDwell100Reports(benchmark::State& state) {
  const std::vector<uint8_t> payload = TypicalDwell();
  DwellSegment dwell;
  for (auto _ : state) {
    const Status s = DecodeDwell(payload, dwell);
    benchmark::DoNotOptimize(s.ok());
    benchmark::DoNotOptimize(dwell.reports.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["reports_per_second"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kReports, benchmark::Counter::kIsRate);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(payload.size()));
}
BENCHMARK(BM_DecodeDwell100Reports);

}  // namespace
}  // namespace biac::formats::gmti

BENCHMARK_MAIN();
