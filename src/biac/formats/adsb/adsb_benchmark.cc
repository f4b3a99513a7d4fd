// Mode S decoding speed: replies from raw bytes (a DF17 mix of airborne positions, velocity
// and identification, the traffic a receiver mostly sees), hex-line parsing, Beast framing,
// CPR position resolution and DF20/21 Comm-B register inference. Target (issue 3):
// >= 5 million replies/s on one core.

#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "biac/formats/adsb/cpr.h"
#include "biac/formats/adsb/framing.h"
#include "biac/formats/adsb/modes.h"
#include "biac/formats/common/hex.h"

namespace biac::formats::adsb {
namespace {

// pyModeS / "The 1090 MHz Riddle" vectors: 4 positions, 3 velocities, 1 identification.
constexpr const char* kMix[] = {
    "8D40621D58C382D690C8AC2863A7", "8D40621D58C386435CC412692AD6", "8D485020994409940838175B284F",
    "8D406B902015A678D4D220AA4BDA", "8D406B9058B98218DD7D364566EF", "8D406B9058B985875373067CCDAA",
    "8DA05F219B06B6AF189400CBC33F", "8D406B909945DE10000405999BE4",
};

std::vector<std::array<uint8_t, kLongFrameBytes>> MixBytes() {
  std::vector<std::array<uint8_t, kLongFrameBytes>> out;
  for (const char* hex : kMix) {
    std::array<uint8_t, kLongFrameBytes> b{};
    (void)ParseHex(hex, b);
    out.push_back(b);
  }
  return out;
}

void BM_DecodeFrame(benchmark::State& state) {
  const auto frames = MixBytes();
  Message m;
  size_t i = 0;
  for (auto _ : state) {
    const Status s = DecodeFrame(frames[i], FrameOptions{}, m);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(m.typecode);
    i = (i + 1) % frames.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeFrame);

void BM_DecodeFrameResult(benchmark::State& state) {
  const auto frames = MixBytes();
  size_t i = 0;
  for (auto _ : state) {
    auto m = DecodeFrame(frames[i]);
    benchmark::DoNotOptimize(m);
    i = (i + 1) % frames.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeFrameResult);

void BM_DecodeWithPositions(benchmark::State& state) {
  const auto frames = MixBytes();
  Message m;
  PositionDecoder positions;
  size_t i = 0;
  double t = 0;
  for (auto _ : state) {
    (void)DecodeFrame(frames[i], FrameOptions{}, m);
    if (const CprFields* cpr = m.cpr()) {
      benchmark::DoNotOptimize(positions.Update(m.icao, t, *cpr, false));
    }
    i = (i + 1) % frames.size();
    t += 0.1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeWithPositions);

// DF20/21 Comm-B replies (pyModeS vectors and pymodes_golden_v2.json): every reply runs the
// register inference over all nine registers, then decodes the one that fits.
constexpr const char* kCommB[] = {
    "A000083E202CC371C31DE0AA1CCF", "A800178D10010080F50000D5893C", "A0000638FA81C10000000081A92F",
    "A0001839CA3800315800007448D9", "A000139381951536E024D4CCF6B5", "A00004128F39F91A7E27C46ADC21",
    "A00006B68AF9B718E3C474A87B83", "A0001910A3D9F532BFEC007AE77D",
};

void BM_DecodeCommB(benchmark::State& state) {
  std::vector<std::array<uint8_t, kLongFrameBytes>> frames;
  for (const char* hex : kCommB) {
    std::array<uint8_t, kLongFrameBytes> b{};
    (void)ParseHex(hex, b);
    frames.push_back(b);
  }
  Message m;
  size_t i = 0;
  for (auto _ : state) {
    const Status s = DecodeFrame(frames[i], FrameOptions{}, m);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(m.commb.candidates);
    i = (i + 1) % frames.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeCommB);

void BM_HexLineParseAndDecode(benchmark::State& state) {
  std::vector<std::string> lines;
  for (const char* hex : kMix) lines.push_back(std::string("*") + hex + ";");
  HexLine line;
  Message m;
  size_t i = 0;
  for (auto _ : state) {
    (void)ParseHexLine(lines[i], false, line);
    (void)DecodeFrame(line.frame(), FrameOptions{}, m);
    benchmark::DoNotOptimize(m.typecode);
    i = (i + 1) % lines.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HexLineParseAndDecode);

void BM_BeastParse(benchmark::State& state) {
  std::vector<uint8_t> stream;
  uint64_t ts = 0x1A0000000000;
  for (int rep = 0; rep < 128; ++rep) {
    for (const auto& b : MixBytes()) {
      BeastFrame f;
      f.timestamp = ts++;
      f.signal = 0x1A;
      f.length = kLongFrameBytes;
      f.data = b;
      EncodeBeast(f, stream);
    }
  }
  size_t frames = 0;
  for (auto _ : state) {
    size_t pos = 0;
    BeastFrame f;
    while (ParseBeast(stream, pos, 0, true, f).step == BeastStep::kFrame) ++frames;
  }
  state.SetItemsProcessed(static_cast<int64_t>(frames));
}
BENCHMARK(BM_BeastParse);

}  // namespace
}  // namespace biac::formats::adsb

BENCHMARK_MAIN();
