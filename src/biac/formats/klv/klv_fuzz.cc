// libFuzzer target: arbitrary bytes as a KLV stream and as an MPEG transport stream, through
// the ST 0601 decoder, its JSON and the mapping to observations. Properties: no crash or
// out-of-bounds read; every item lies inside its packet; a decoded packet decodes the same
// way again from a copy of its own bytes; BER lengths and tags read back what was written.

#include "biac/formats/klv/klv.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include "biac/formats/klv/observations.h"
#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/st0601_json.h"
#include "biac/formats/klv/ts_demux.h"

namespace {

namespace klv = biac::formats::klv;

void Check(bool condition) {
  if (!condition) std::abort();
}

void DecodeStream(std::span<const uint8_t> bytes, klv::UasPacket& packet, klv::UasPacket& again) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    pos = klv::FindUniversalKey(bytes, pos);
    if (pos >= bytes.size()) return;
    const klv::DecodeError error = klv::DecodeUasPacket(bytes.subspan(pos), packet);
    if (!error.ok()) {
      Check(error.offset <= bytes.size() - pos);
      ++pos;
      continue;
    }
    Check(packet.bytes.data() == bytes.data() + pos);
    Check(packet.bytes.size() <= bytes.size() - pos);
    for (const klv::Item& item : packet.Items()) {
      Check(item.bytes.data() >= packet.bytes.data());
      Check(item.bytes.data() + item.bytes.size() <= packet.bytes.data() + packet.bytes.size());
    }
    (void)klv::PacketToJson(packet, pos)
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::vector<biac::model::Observation> observations;
    (void)klv::AppendObservations(packet, klv::ObservationOptions{}, observations);
    const std::vector<uint8_t> copy(packet.bytes.begin(), packet.bytes.end());
    Check(klv::DecodeUasPacket(copy, again).ok());
    Check(again.item_count == packet.item_count);
    Check(again.checksum == packet.checksum);
    pos += packet.bytes.size();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* packet = new klv::UasPacket;  // NOLINT: one per process, never freed
  static auto* again = new klv::UasPacket;   // NOLINT
  const std::span<const uint8_t> bytes(data, size);
  DecodeStream(bytes, *packet, *again);
  const klv::TsKlvResult ts = klv::ExtractKlvFromTs(bytes);
  for (const klv::TsKlvUnit& unit : ts.units) DecodeStream(unit.bytes, *packet, *again);

  // BER round trips on the first bytes.
  if (size >= 8) {
    uint64_t value = 0;
    for (size_t i = 0; i < 8; ++i) value = (value << 8) | data[i];
    uint8_t buffer[9];
    const size_t n = klv::WriteBerLength(value, buffer);
    klv::BerValue read;
    Check(n > 0 &&
          klv::ReadBerLength(std::span<const uint8_t>(buffer, n), read) == klv::KlvError::kNone);
    Check(read.value == value && read.size == n);
    const auto tag = static_cast<uint32_t>(value & ((1u << 28) - 1));
    const size_t m = klv::WriteBerOid(tag, std::span<uint8_t>(buffer, 4));
    Check(m > 0 &&
          klv::ReadBerOid(std::span<const uint8_t>(buffer, m), read) == klv::KlvError::kNone);
    Check(read.value == tag);
  }
  return 0;
}
