#include "biac/base/csv.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "biac/base/number_format.h"

namespace biac {
namespace {

constexpr int kRows = 200000;

// A detection file as the simulator writes it: time, sensor id, x, y and the measurement
// noise, shortest round-trip decimals (about 80 bytes a row); every 50th row carries a
// quoted note so that the quoted path is part of the mix.
const std::string& DetectionCsv() {
  static const std::string kText = [] {
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> position(-5.0e4, 5.0e4);
    std::string out = "time,sensor,x,y,r_xx,r_yy,note\n";
    for (int i = 0; i < kRows; ++i) {
      AppendShortest(out, 0.1 * i);
      out += ',';
      out += std::to_string(i % 7);
      out += ',';
      AppendShortest(out, position(rng));
      out += ',';
      AppendShortest(out, position(rng));
      out += ",25,25,";
      out += i % 50 == 0 ? "\"clutter, maybe\"\n" : "\n";
    }
    return out;
  }();
  return kText;
}

const std::string& DetectionCsvFile() {
  static const std::string kPath = [] {
    std::string path = (std::filesystem::temp_directory_path() / "biac_csv_benchmark.csv").string();
    std::ofstream(path, std::ios::binary) << DetectionCsv();
    return path;
  }();
  return kPath;
}

// Reads every row and parses time, x, y, r_xx, r_yy as doubles and the sensor as an integer.
void ReadDetections(benchmark::State& state, CsvReader& reader) {
  const size_t time = *reader.Column("time");
  const size_t sensor = *reader.Column("sensor");
  const size_t x = *reader.Column("x");
  const size_t y = *reader.Column("y");
  const size_t r_xx = *reader.Column("r_xx");
  const size_t r_yy = *reader.Column("r_yy");
  double sum = 0.0;
  const Status status = reader.ForEachRow([&](const CsvRow& row) -> Status {
    BIAC_ASSIGN_OR_RETURN(const double t, row.Double(time));
    BIAC_ASSIGN_OR_RETURN(const int64_t s, row.Int64(sensor));
    BIAC_ASSIGN_OR_RETURN(const double px, row.Double(x));
    BIAC_ASSIGN_OR_RETURN(const double py, row.Double(y));
    BIAC_ASSIGN_OR_RETURN(const double vx, row.Double(r_xx));
    BIAC_ASSIGN_OR_RETURN(const double vy, row.Double(r_yy));
    sum += t + static_cast<double>(s) + px + py + vx + vy;
    return Status::Ok();
  });
  if (!status.ok()) state.SkipWithError(status.ToString().c_str());
  benchmark::DoNotOptimize(sum);
}

void BM_CsvFromString(benchmark::State& state) {
  const std::string& text = DetectionCsv();
  for (auto _ : state) {
    Result<CsvReader> reader = CsvReader::FromString(text, "detections.csv");
    ReadDetections(state, *reader);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_CsvFromString)->Unit(benchmark::kMillisecond);

void BM_CsvFromFile(benchmark::State& state) {
  const std::string& path = DetectionCsvFile();
  for (auto _ : state) {
    Result<CsvReader> reader = CsvReader::Open(path);
    ReadDetections(state, *reader);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(DetectionCsv().size()));
}
BENCHMARK(BM_CsvFromFile)->Unit(benchmark::kMillisecond);

// Splitting alone (no number parsing): the reader's own cost.
void BM_CsvSplitOnly(benchmark::State& state) {
  const std::string& text = DetectionCsv();
  for (auto _ : state) {
    Result<CsvReader> reader = CsvReader::FromString(text, "detections.csv");
    size_t fields = 0;
    const Status status = reader->ForEachRow([&](const CsvRow& row) -> Status {
      fields += row.size();
      return Status::Ok();
    });
    benchmark::DoNotOptimize(fields);
    if (!status.ok()) state.SkipWithError(status.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_CsvSplitOnly)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace biac

BENCHMARK_MAIN();
