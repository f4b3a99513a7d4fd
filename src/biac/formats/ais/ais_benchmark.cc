// AIS decoding speed on one core. The target: single-sentence position reports
// (type 1) from NMEA text to a decoded Message at >= 5 million per second (Release).

#include <benchmark/benchmark.h>

#include <array>
#include <string_view>

#include "biac/formats/ais/json.h"
#include "biac/formats/ais/nmea.h"

namespace {

using biac::formats::ais::DecodedMessage;
using biac::formats::ais::NmeaDecoder;

// Type 1 reports from gpsd's sample (testdata/ais/gpsd_sample.aivdm), one with a tag block.
constexpr std::array<std::string_view, 4> kType1 = {
    "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
    "!AIVDM,1,1,,A,16SteH0P00Jt63hHaa6SagvJ087r,0*42",
    "!AIVDM,1,1,,A,13aIkM@P00PJ@qPNL=e@0?wJ28JO,0*66",
    "\\s:rORBCOMM000,c:1426032000*2D\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
};

// Type 5, two sentences (gpsd sample).
constexpr std::array<std::string_view, 2> kType5 = {
    "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
    "!AIVDM,2,2,1,A,88888888880,2*25",
};

void BM_Type1FromNmea(benchmark::State& state) {
  NmeaDecoder decoder;
  DecodedMessage out;
  size_t i = 0;
  for (auto _ : state) {
    auto outcome = decoder.Feed(kType1[i & 3], out);
    benchmark::DoNotOptimize(outcome);
    benchmark::DoNotOptimize(out.message.mmsi);
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Type1FromNmea);

void BM_Type5Reassembly(benchmark::State& state) {
  NmeaDecoder decoder;
  DecodedMessage out;
  for (auto _ : state) {
    auto first = decoder.Feed(kType5[0], out);
    auto second = decoder.Feed(kType5[1], out);
    benchmark::DoNotOptimize(first);
    benchmark::DoNotOptimize(second);
    benchmark::DoNotOptimize(out.message.mmsi);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));  // messages
}
BENCHMARK(BM_Type5Reassembly);

void BM_Type1ToJson(benchmark::State& state) {
  NmeaDecoder decoder;
  DecodedMessage out;
  (void)decoder.Feed(kType1[0], out);
  for (auto _ : state) {
    auto text = biac::formats::ais::ToJson(out.message).dump();
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Type1ToJson);

}  // namespace

BENCHMARK_MAIN();
