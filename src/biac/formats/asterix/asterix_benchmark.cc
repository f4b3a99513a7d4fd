// ASTERIX decoding speed. The target (issue 3): >= 2 million CAT048 records/s on one core
// for a typical plot record (I048/010, 140, 020, 040, 070, 090, 130, 220, 240, 161, 200, 170).
// Published anchor: jASTERIX 50k-150k records/s (its README, i7-4790K).

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <vector>

#include "biac/formats/asterix/encode.h"
#include "biac/formats/asterix/record.h"

namespace biac::formats::asterix {
namespace {

constexpr int kRecordsPerBlock = 100;

// A data block of kRecordsPerBlock typical plot records, encoded with biac's own encoder.
std::vector<uint8_t> PlotBlock() {
  const Edition& e = *FindEdition(48, "1.21");
  std::vector<nlohmann::ordered_json> records;
  for (int i = 0; i < kRecordsPerBlock; ++i) {
    records.push_back(nlohmann::ordered_json::parse(R"({
      "I048/010": {"SAC": 25, "SIC": 201},
      "I048/140": 27354.6015625,
      "I048/020": {"TYP": 5, "SIM": 0, "RDP": 0, "SPI": 0, "RAB": 0},
      "I048/040": {"RHO": 197.68359375, "THETA": 340.13671875},
      "I048/070": {"V": 0, "G": 0, "L": 0, "MODE3A": "1000"},
      "I048/090": {"V": 0, "G": 0, "FL": 330.0},
      "I048/130": {"SRL": 3.8232421875, "SRR": 20, "SAM": -65.0},
      "I048/220": 3958284,
      "I048/240": "DLH65A  ",
      "I048/161": {"TRN": 3563},
      "I048/200": {"GSP": 0.12066650390625, "HDG": 124.002685546875},
      "I048/170": {"CNF": 0, "RAD": 2, "DOU": 0, "MAH": 0, "CDM": 0}
    })"));
    records.back()["I048/161"]["TRN"] = i;
  }
  return EncodeDataBlock(e, records).value();
}

// Decoding: FSPEC, item boundaries, one RecordView per record; nothing allocated.
void BM_Cat048DecodePlots(benchmark::State& state) {
  const std::vector<uint8_t> block = PlotBlock();
  const Edition& e = *FindEdition(48, "1.21");
  RecordView view;
  DecodeFailure failure;
  for (auto _ : state) {
    const auto b = ReadDataBlock(block);
    std::span<const uint8_t> rest = b->records;
    while (!rest.empty()) {
      if (!DecodeRecord(e, rest, view, failure)) state.SkipWithError(failure.reason);
      benchmark::DoNotOptimize(view.present);
      rest = rest.subspan(view.bytes.size());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerBlock);
}
BENCHMARK(BM_Cat048DecodePlots);

// Decoding plus reading the plot's position, time and identity fields through the tables.
void BM_Cat048DecodeAndReadFields(benchmark::State& state) {
  const std::vector<uint8_t> block = PlotBlock();
  const Edition& e = *FindEdition(48, "1.21");
  RecordView view;
  DecodeFailure failure;
  for (auto _ : state) {
    std::span<const uint8_t> rest = ReadDataBlock(block)->records;
    double sum = 0;
    while (!rest.empty()) {
      if (!DecodeRecord(e, rest, view, failure)) state.SkipWithError(failure.reason);
      sum += Numeric(view, "040", "", "RHO").value_or(0.0) +
             Numeric(view, "040", "", "THETA").value_or(0.0) +
             Numeric(view, "140", "", "").value_or(0.0) +
             static_cast<double>(Raw(view, "220", "", "").value_or(0));
      rest = rest.subspan(view.bytes.size());
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerBlock);
}
BENCHMARK(BM_Cat048DecodeAndReadFields);

// JSON on demand (what `biac decode` prints): allocation-heavy by nature, for reference.
void BM_Cat048RecordToJson(benchmark::State& state) {
  const std::vector<uint8_t> block = PlotBlock();
  const Edition& e = *FindEdition(48, "1.21");
  RecordView view;
  DecodeFailure failure;
  for (auto _ : state) {
    std::span<const uint8_t> rest = ReadDataBlock(block)->records;
    while (!rest.empty()) {
      DecodeRecord(e, rest, view, failure);
      benchmark::DoNotOptimize(RecordToJson(view).dump());
      rest = rest.subspan(view.bytes.size());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerBlock);
}
BENCHMARK(BM_Cat048RecordToJson);

// Encoding the same records from JSON (the simulator's path).
void BM_Cat048Encode(benchmark::State& state) {
  const Edition& e = *FindEdition(48, "1.21");
  const std::vector<uint8_t> block = PlotBlock();
  RecordView view;
  DecodeFailure failure;
  DecodeRecord(e, ReadDataBlock(block)->records, view, failure);
  const nlohmann::ordered_json json = RecordToJson(view);
  std::vector<uint8_t> out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(EncodeRecord(e, json, out).ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Cat048Encode);

}  // namespace
}  // namespace biac::formats::asterix

BENCHMARK_MAIN();
