// `biac decode --format klv [--ts]`: MISB ST 0601 packets to JSON Lines (one object per packet,
// st0601_json.h). A packet that cannot be decoded gives one "byte N: reason" line and the
// reader resynchronises on the next SMPTE universal key; a packet whose checksum does not
// verify is decoded and printed (its "checksum" says "mismatch") and also reported as bad.

#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>
#include <istream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "biac/app/decode.h"
#include "biac/formats/common/hex.h"
#include "biac/formats/klv/klv.h"
#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/st0601_json.h"
#include "biac/formats/klv/ts_demux.h"

namespace biac::app {
namespace {

namespace klv = formats::klv;

std::string ChecksumReason(const klv::UasPacket& packet) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "checksum 0x%04X does not verify (computed 0x%04X)",
                packet.stored_checksum, packet.computed_checksum);
  return buffer;
}

// Names a byte offset within the bytes being decoded for a bad-record line.
using PositionFn = std::function<std::string(size_t)>;

// Decodes the KLV packets of `bytes`; `extra` is merged into every record.
void DecodeKlvBytes(std::span<const uint8_t> bytes, const nlohmann::json& extra,
                    const PositionFn& position, klv::UasPacket& packet, DecodeOutput& out) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t key_at = klv::FindUniversalKey(bytes, pos);
    if (key_at != pos) {
      out.Bad(position(pos),
              std::to_string(key_at - pos) + " bytes before the next universal key skipped");
      pos = key_at;
      if (pos >= bytes.size()) return;
    }
    const std::span<const uint8_t> rest = bytes.subspan(pos);
    const klv::DecodeError error = klv::DecodeUasPacket(rest, packet);
    if (error.error == klv::KlvError::kNotUasLocalSet) {
      // Another SMPTE KLV triplet (not ST 0601): skip it whole if it is well framed.
      klv::KlvTriplet triplet;
      const bool framed = klv::ReadTriplet(rest, triplet) == klv::KlvError::kNone;
      out.Bad(position(pos), "universal key " + formats::ToHex(rest.first(klv::kUniversalKeySize)) +
                                 " is not the ST 0601 UAS Datalink LS key; " +
                                 (framed ? "packet skipped" : "resynchronising"));
      pos = framed ? pos + triplet.size : klv::FindUniversalKey(bytes, pos + 1);
      continue;
    }
    if (!error.ok()) {
      // The packet's position, then where inside it the error lies: "byte 347: truncated at
      // byte 363" or "byte 0: tag 5: truncated at byte 40".
      out.Bad(position(pos),
              (error.tag != 0 ? "tag " + std::to_string(error.tag) + ": " : std::string()) +
                  std::string(klv::KlvErrorName(error.error)) + " at byte " +
                  std::to_string(pos + error.offset));
      // Resynchronise on the next universal key; the bytes up to it belong to this packet.
      pos = klv::FindUniversalKey(bytes, pos + 1);
      continue;
    }
    nlohmann::json record = klv::PacketToJson(packet, pos);
    for (const auto& [key, value] : extra.items()) record[key] = value;
    out.Record(record);
    if (packet.checksum == klv::ChecksumStatus::kMismatch) {
      out.Bad(position(pos), ChecksumReason(packet));
    }
    pos += packet.bytes.size();
  }
}

}  // namespace

Status DecodeKlv(std::istream& in, const DecodeOptions& options, DecodeOutput& out) {
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  if (in.bad()) return Unavailable("read error");
  // A UasPacket is large (its items live in a fixed array); one for the whole input.
  auto packet = std::make_unique<klv::UasPacket>();
  if (!options.ts) {
    const PositionFn position = [](size_t offset) { return "byte " + std::to_string(offset); };
    DecodeKlvBytes(bytes, nlohmann::json::object(), position, *packet, out);
    return Status::Ok();
  }
  const klv::TsKlvResult ts = klv::ExtractKlvFromTs(bytes);
  for (const klv::TsProblem& problem : ts.problems) {
    out.Bad("byte " + std::to_string(problem.offset), problem.reason);
  }
  if (ts.packets == 0) return InvalidArgument("not an MPEG transport stream (no sync bytes)");
  for (const klv::TsKlvUnit& unit : ts.units) {
    // Offsets inside a PES payload are not stream offsets: name the TS packet and PID.
    const nlohmann::json extra = {{"pid", unit.pid}, {"ts_offset", unit.offset}};
    // Positions read "byte <TS packet offset> (PID <pid> payload byte <n>)".
    const PositionFn position = [&unit](size_t offset) {
      return "byte " + std::to_string(unit.offset) + " (PID " + std::to_string(unit.pid) +
             " payload byte " + std::to_string(offset) + ")";
    };
    DecodeKlvBytes(unit.bytes, extra, position, *packet, out);
  }
  return Status::Ok();
}

}  // namespace biac::app
