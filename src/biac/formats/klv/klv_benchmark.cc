// ST 0601 decode speed: the ST 0902.5 DynamicConstant sample (25 items, a nested ST 0102
// set, a 228-byte packet) decoded into a reused UasPacket; items/s = packets/s. Target
// (issue 3): >= 1 million packets/s on one core.

#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/ts_demux.h"

namespace {

namespace klv = biac::formats::klv;

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void BM_DecodeSt0601(benchmark::State& state, const char* path) {
  const std::vector<uint8_t> bytes = ReadFile(path);
  if (bytes.empty()) {
    state.SkipWithError("run from the repository root (testdata/klv/...)");
    return;
  }
  auto packet = std::make_unique<klv::UasPacket>();
  for (auto _ : state) {
    const klv::DecodeError error = klv::DecodeUasPacket(bytes, *packet);
    benchmark::DoNotOptimize(error);
    benchmark::DoNotOptimize(packet->item_count);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK_CAPTURE(BM_DecodeSt0601, DynamicConstant,
                  "testdata/klv/klvdata_DynamicConstantMISMMSPacketData.bin");
BENCHMARK_CAPTURE(BM_DecodeSt0601, DynamicOnly,
                  "testdata/klv/klvdata_DynamicOnlyMISMMSPacketData.bin");

// The demultiplexer on the committed 8-packet stream; items/s = TS packets/s.
void BM_TsDemux(benchmark::State& state) {
  const std::vector<uint8_t> bytes = ReadFile("testdata/klv/klv_in_ts.ts");
  if (bytes.empty()) {
    state.SkipWithError("run from the repository root (testdata/klv/...)");
    return;
  }
  for (auto _ : state) {
    const klv::TsKlvResult result = klv::ExtractKlvFromTs(bytes);
    benchmark::DoNotOptimize(result.units.size());
  }
  state.SetItemsProcessed(
      static_cast<int64_t>(state.iterations() * bytes.size() / klv::kTsPacketSize));
}
BENCHMARK(BM_TsDemux);

}  // namespace

BENCHMARK_MAIN();
