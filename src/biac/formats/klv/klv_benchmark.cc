// ST 0601 decode speed: the ST 0902.5 DynamicConstant sample (25 items, a nested ST 0102
// set, a 228-byte packet) decoded into a reused UasPacket; items/s = packets/s. Target
// (issue 3): >= 1 million packets/s on one core.

#include <benchmark/benchmark.h>

#include <array>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "biac/formats/klv/st0102.h"
#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/st0601_packs.h"
#include "biac/formats/klv/st0903.h"
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
// KWIVER's packet with every ST 0601.17 tag (978 bytes, 131 items); packs stay undecoded here.
BENCHMARK_CAPTURE(BM_DecodeSt0601, KwiverAllTags, "testdata/klv/kwiver_st0601_all_tags.bin");

// The nested ST 0102 security set of the DynamicConstant sample (6 items), from a decoded
// packet; items/s = sets/s.
void BM_DecodeSecurityLocalSet(benchmark::State& state) {
  const std::vector<uint8_t> bytes =
      ReadFile("testdata/klv/klvdata_DynamicConstantMISMMSPacketData.bin");
  auto packet = std::make_unique<klv::UasPacket>();
  if (bytes.empty() || !klv::DecodeUasPacket(bytes, *packet).ok()) {
    state.SkipWithError("run from the repository root (testdata/klv/...)");
    return;
  }
  klv::SecurityLocalSet set;
  for (auto _ : state) {
    benchmark::DoNotOptimize(klv::FindSecurityLocalSet(*packet, set));
    benchmark::DoNotOptimize(set.items[1].unsigned_value);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DecodeSecurityLocalSet);

// Every pack of KWIVER's all-tags packet (tags 81, 94, 115, 116, 121, 122, 127, 128, 130,
// 138..143: 15 packs, 13 records in lists) into typed values, no JSON; items/s = packets/s.
void BM_DecodeAllPacks(benchmark::State& state) {
  const std::vector<uint8_t> bytes = ReadFile("testdata/klv/kwiver_st0601_all_tags.bin");
  auto packet = std::make_unique<klv::UasPacket>();
  if (bytes.empty() || !klv::DecodeUasPacket(bytes, *packet).ok()) {
    state.SkipWithError("run from the repository root (testdata/klv/...)");
    return;
  }
  const auto value = [&](uint32_t tag) { return packet->Find(tag)->bytes; };
  for (auto _ : state) {
    klv::ImageHorizonPixelPack horizon;
    benchmark::DoNotOptimize(klv::DecodeImageHorizonPixelPack(value(81), horizon));
    klv::MiisCoreIdentifier miis;
    benchmark::DoNotOptimize(klv::DecodeMiisCoreIdentifier(value(94), miis));
    klv::ControlCommand command;
    benchmark::DoNotOptimize(klv::DecodeControlCommand(value(115), command));
    std::array<uint64_t, 16> ids;
    size_t count = 0;
    benchmark::DoNotOptimize(klv::DecodeBerOidList(value(116), ids, count));
    benchmark::DoNotOptimize(klv::DecodeBerOidList(value(121), ids, count));
    klv::CountryCodes countries;
    benchmark::DoNotOptimize(klv::DecodeCountryCodes(value(122), countries));
    klv::FrameRate rate;
    benchmark::DoNotOptimize(klv::DecodeFrameRate(value(127), rate));
    klv::AirbaseLocations airbases;
    benchmark::DoNotOptimize(klv::DecodeAirbaseLocations(value(130), airbases));
    klv::ViewDomain domain;
    benchmark::DoNotOptimize(klv::DecodeViewDomain(value(142), domain));
    klv::SubstreamId msid;
    benchmark::DoNotOptimize(klv::DecodeSubstreamId(value(143), msid));
    std::span<const uint8_t> record;
    klv::SeriesCursor wavelengths(value(128));
    klv::WavelengthRecord wavelength;
    while (wavelengths.Next(record)) (void)klv::DecodeWavelengthRecord(record, wavelength);
    klv::SeriesCursor weapons(value(140));
    klv::WeaponsStore weapon;
    while (weapons.Next(record)) (void)klv::DecodeWeaponsStore(record, weapon);
    klv::SeriesCursor waypoints(value(141));
    klv::WaypointRecord waypoint;
    while (waypoints.Next(record)) (void)klv::DecodeWaypointRecord(record, waypoint);
    uint64_t payload_count = 0;
    std::span<const uint8_t> records;
    size_t records_offset = 0;
    (void)klv::ReadPayloadListHeader(value(138), payload_count, records, records_offset);
    klv::SeriesCursor payloads(records);
    klv::PayloadRecord payload;
    while (payloads.Next(record)) (void)klv::DecodePayloadRecord(record, payload);
    benchmark::DoNotOptimize(waypoint);
    benchmark::DoNotOptimize(payload);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DecodeAllPacks);

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
