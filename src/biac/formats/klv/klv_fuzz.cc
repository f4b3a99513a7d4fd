// libFuzzer target: arbitrary bytes as a KLV stream and as an MPEG transport stream, through
// the ST 0601 decoder, its JSON (which decodes every pack and nested set: ST 0102, ST 0903,
// ST 1204 and the ST 0601.17 packs) and the mapping to observations; and the same bytes as the
// value of each pack decoder directly. Properties: no crash or out-of-bounds read; every item
// lies inside its packet; a decoded packet decodes the same way again from a copy of its own
// bytes; a pack error names an offset inside the value; the MIIS text form ends with the check
// value of the text before it; BER lengths and tags read back what was written; the
// incremental TS demultiplexer fed packet by packet gives the same units and problems as the
// whole-stream reader (on the bytes cut to whole packets, each starting with the sync byte).

#include "biac/formats/klv/klv.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/formats/klv/observations.h"
#include "biac/formats/klv/st0102.h"
#include "biac/formats/klv/st0601.h"
#include "biac/formats/klv/st0601_json.h"
#include "biac/formats/klv/st0601_packs.h"
#include "biac/formats/klv/st0903.h"
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

// The incremental demultiplexer (ts_demux.h) against the whole-stream reader.
class Collected final : public klv::TsKlvSink {
 public:
  void OnUnit(uint16_t pid, size_t offset, std::span<const uint8_t> bytes) override {
    units.push_back({pid, offset, {bytes.begin(), bytes.end()}});
  }
  void OnProblem(size_t offset, std::string_view reason) override {
    problems.push_back({offset, std::string(reason)});
  }
  std::vector<klv::TsKlvUnit> units;
  std::vector<klv::TsProblem> problems;
};

void CheckIncrementalDemuxer(std::span<const uint8_t> bytes) {
  std::vector<uint8_t> aligned(bytes.begin(),
                               bytes.begin() + static_cast<std::ptrdiff_t>(
                                                   bytes.size() / klv::kTsPacketSize *
                                                   klv::kTsPacketSize));
  for (size_t at = 0; at < aligned.size(); at += klv::kTsPacketSize) {
    aligned[at] = klv::kTsSyncByte;
  }
  klv::TsKlvDemuxer demuxer;
  Collected sink;
  for (size_t at = 0; at < aligned.size(); at += klv::kTsPacketSize) {
    demuxer.Feed(std::span(aligned).subspan(at, klv::kTsPacketSize), at, sink);
  }
  demuxer.Finish(sink);
  const klv::TsKlvResult whole = klv::ExtractKlvFromTs(aligned);
  Check(whole.packets == aligned.size() / klv::kTsPacketSize);
  Check(demuxer.KlvPids() == whole.klv_pids);
  Check(sink.units.size() == whole.units.size());
  for (size_t i = 0; i < sink.units.size(); ++i) {
    Check(sink.units[i].pid == whole.units[i].pid);
    Check(sink.units[i].offset == whole.units[i].offset);
    Check(sink.units[i].bytes == whole.units[i].bytes);
    Check(sink.units[i].offset < aligned.size());
  }
  Check(sink.problems.size() == whole.problems.size());
  for (size_t i = 0; i < sink.problems.size(); ++i) {
    Check(sink.problems[i].offset == whole.problems[i].offset);
    Check(sink.problems[i].reason == whole.problems[i].reason);
  }
}

void CheckResult(const klv::PackResult& r, size_t size) { Check(r.ok() || r.offset <= size); }

// The bytes as the value of every pack decoder and nested set.
void DecodePacks(std::span<const uint8_t> value) {
  const size_t n = value.size();
  klv::SecurityLocalSet security;
  if (klv::DecodeSecurityLocalSet(value, security).ok()) {
    char text[64];
    Check(security.ObjectCountryCodes(text).size() <= sizeof(text));
  }
  klv::MiisCoreIdentifier miis;
  if (klv::DecodeMiisCoreIdentifier(value, miis).ok()) {
    std::array<char, klv::kMiisTextMaxSize> text;
    const size_t size = klv::MiisCoreIdentifierText(miis, text);
    Check(size <= text.size() && size >= 3);
    const std::string_view view(text.data(), size);
    // "...:XY": the last two hex digits are the check value of everything before them.
    const uint8_t check = klv::MiisCheckValue(view.substr(0, size - 2));
    constexpr char kHex[] = "0123456789ABCDEF";
    Check(view[size - 2] == kHex[check >> 4] && view[size - 1] == kHex[check & 0x0F]);
  }
  klv::ImageHorizonPixelPack horizon;
  CheckResult(klv::DecodeImageHorizonPixelPack(value, horizon), n);
  klv::ControlCommand command;
  CheckResult(klv::DecodeControlCommand(value, command), n);
  std::array<uint64_t, 8> ids;
  size_t count = 0;
  CheckResult(klv::DecodeBerOidList(value, ids, count), n);
  Check(count <= ids.size());
  klv::CountryCodes countries;
  CheckResult(klv::DecodeCountryCodes(value, countries), n);
  klv::FrameRate rate;
  CheckResult(klv::DecodeFrameRate(value, rate), n);
  klv::AirbaseLocations airbases;
  CheckResult(klv::DecodeAirbaseLocations(value, airbases), n);
  klv::ViewDomain domain;
  CheckResult(klv::DecodeViewDomain(value, domain), n);
  klv::SubstreamId msid;
  CheckResult(klv::DecodeSubstreamId(value, msid), n);
  klv::SeriesCursor series(value);
  std::span<const uint8_t> record;
  while (series.Next(record)) {
    klv::WaypointRecord waypoint;
    CheckResult(klv::DecodeWaypointRecord(record, waypoint), record.size());
    klv::WeaponsStore weapon;
    CheckResult(klv::DecodeWeaponsStore(record, weapon), record.size());
    klv::WavelengthRecord wavelength;
    CheckResult(klv::DecodeWavelengthRecord(record, wavelength), record.size());
    klv::PayloadRecord payload;
    CheckResult(klv::DecodePayloadRecord(record, payload), record.size());
  }
  CheckResult(series.result(), n);
  klv::VmtiLocalSet vmti;
  if (klv::DecodeVmtiLocalSet(value, vmti).ok()) {
    klv::VTargetCursor cursor(vmti.TargetSeries());
    klv::VTarget target;
    klv::VmtiLocation location;
    while (cursor.Next(target)) (void)target.Location(location);
  }
  (void)klv::VmtiToJson(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* packet = new klv::UasPacket;  // NOLINT: one per process, never freed
  static auto* again = new klv::UasPacket;   // NOLINT
  const std::span<const uint8_t> bytes(data, size);
  DecodeStream(bytes, *packet, *again);
  const klv::TsKlvResult ts = klv::ExtractKlvFromTs(bytes);
  for (const klv::TsKlvUnit& unit : ts.units) DecodeStream(unit.bytes, *packet, *again);
  CheckIncrementalDemuxer(bytes);
  DecodePacks(bytes);

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
