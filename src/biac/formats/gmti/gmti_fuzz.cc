// libFuzzer target for the STANAG 4607 decoder. The input is a stream of packets, framed by
// their packet size (P2) as `biac decode --format gmti` frames a capture. Properties checked:
//   - nothing crashes or reads out of bounds (ASan, UBSan);
//   - a packet that decodes, and holds only segments biac keeps whole, encodes back to exactly
//     its own bytes: encode(decode(bytes)) == bytes, hence decode(encode(x)) == x;
//   - the JSON and observation mappings accept whatever the decoder accepts.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <variant>
#include <vector>

#include "biac/formats/gmti/decoder.h"
#include "biac/formats/gmti/encoder.h"
#include "biac/formats/gmti/json.h"
#include "biac/formats/gmti/observations.h"

namespace gmti = biac::formats::gmti;

namespace {

// Text fields carry whatever bytes the input has; invalid UTF-8 is replaced, as the CLI does.
void Dump(const nlohmann::json& j) {
  (void)j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void CheckPacket(std::span<const uint8_t> bytes) {
  auto packet = gmti::DecodePacket(bytes);
  if (!packet.ok()) return;
  bool whole = true;
  const gmti::MissionSegment* mission = nullptr;
  const gmti::JobDefinitionSegment* job = nullptr;
  for (const gmti::Segment& segment : packet->segments) {
    Dump(gmti::ToJson(segment));
    if (std::holds_alternative<gmti::OtherSegment>(segment)) whole = false;
    if (const auto* m = std::get_if<gmti::MissionSegment>(&segment)) mission = m;
    if (const auto* j = std::get_if<gmti::JobDefinitionSegment>(&segment)) job = j;
    if (const auto* d = std::get_if<gmti::DwellSegment>(&segment)) {
      gmti::ObservationOptions options;
      options.reference_date = gmti::CivilDate{2024, 2, 29};
      std::vector<biac::model::Observation> observations;
      (void)gmti::AppendObservations({&packet->header, mission, job}, *d, options, observations);
    }
  }
  Dump(gmti::ToJson(packet->header));
  if (!whole) return;
  auto encoded = gmti::EncodePacket(packet->header, packet->segments);
  if (!encoded.ok()) std::abort();
  if (!std::equal(encoded->begin(), encoded->end(), bytes.begin(), bytes.end())) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> input(data, size);
  while (!input.empty()) {
    auto header = gmti::DecodePacketHeader(input);
    if (!header.ok()) break;
    const size_t packet_size = gmti::PacketSize(*header);
    if (packet_size > input.size()) break;
    CheckPacket(input.first(packet_size));
    input = input.subspan(packet_size);
  }
  return 0;
}
