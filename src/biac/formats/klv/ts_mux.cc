#include "biac/formats/klv/ts_mux.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "biac/base/bits.h"
#include "biac/formats/klv/ts_demux.h"

namespace biac::formats::klv {
namespace {

// ISO/IEC 13818-1 table 2-2: the 4-byte transport packet header.
constexpr BitField kSync{"sync_byte", 0, 8};
constexpr BitField kPayloadUnitStart{"payload_unit_start_indicator", 9, 1};
constexpr BitField kPid{"PID", 11, 13};
constexpr BitField kAdaptationFieldControl{"adaptation_field_control", 26, 2};
constexpr BitField kContinuityCounter{"continuity_counter", 28, 4};
constexpr size_t kTsHeaderSize = 4;
constexpr size_t kTsPayloadSize = kTsPacketSize - kTsHeaderSize;
constexpr uint8_t kPayloadOnly = 0x1;
constexpr uint8_t kAdaptationAndPayload = 0x3;
constexpr uint8_t kContinuityMask = 0x0F;
constexpr uint16_t kNullPid = 0x1FFF;
constexpr uint16_t kFirstFreePid = 0x0010;  // 0x0000-0x000F are reserved (table 2-3)
constexpr uint8_t kStuffingByte = 0xFF;
// 2.4.3.5: adaptation_field_length, then (when it is not 0) one byte of flags, all clear.
constexpr size_t kAdaptationFlagsSize = 1;

// Table 2-30 (PAT), 2-33 (PMT): section fields.
constexpr uint8_t kPatTableId = 0x00;
constexpr uint8_t kPmtTableId = 0x02;
constexpr BitField kTableId{"table_id", 0, 8};
constexpr BitField kSectionSyntax{"section_syntax_indicator", 8, 1};
constexpr BitField kSectionReserved{"reserved", 10, 2};
constexpr BitField kSectionLength{"section_length", 12, 12};
constexpr BitField kTableIdExtension{"transport_stream_id / program_number", 24, 16};
constexpr BitField kVersionReserved{"reserved", 40, 2};
constexpr BitField kCurrentNext{"current_next_indicator", 47, 1};
// section_number (byte 6) and last_section_number (byte 7) stay 0: one section per table.
constexpr size_t kSectionHeaderSize = 3;  // through section_length
constexpr size_t kLongHeaderSize = 8;     // through last_section_number
constexpr size_t kCrcSize = 4;
constexpr size_t kPointerFieldSize = 1;
// A PAT program entry: program_number, 3 reserved bits, program_map_PID.
constexpr BitField kEntryProgramNumber{"program_number", 0, 16};
constexpr BitField kEntryReserved{"reserved", 16, 3};
constexpr BitField kEntryPid{"program_map_PID", 19, 13};
constexpr size_t kPatEntrySize = 4;
// PMT after the long header: reserved, PCR_PID, reserved, program_info_length.
constexpr BitField kPcrReserved{"reserved", 64, 3};
constexpr BitField kPcrPid{"PCR_PID", 67, 13};
constexpr BitField kProgramInfoReserved{"reserved", 80, 4};
constexpr BitField kProgramInfoLength{"program_info_length", 84, 12};
constexpr size_t kPmtFixedSize = 12;
// One elementary stream entry.
constexpr BitField kEsStreamType{"stream_type", 0, 8};
constexpr BitField kEsPidReserved{"reserved", 8, 3};
constexpr BitField kEsPid{"elementary_PID", 11, 13};
constexpr BitField kEsInfoReserved{"reserved", 24, 4};
constexpr BitField kEsInfoLength{"ES_info_length", 28, 12};
constexpr size_t kEsHeaderSize = 5;
constexpr uint8_t kStreamTypePrivateData = 0x06;
// 2.6.8 registration descriptor: tag 5, length 4, format_identifier "KLVA" (ST 1402 6.1).
constexpr std::array<uint8_t, 6> kKlvaRegistration = {0x05, 0x04, 'K', 'L', 'V', 'A'};
constexpr uint16_t kNoPcrPid = 0x1FFF;
constexpr uint64_t kAllOnes = ~uint64_t{0};

// Table 2-21: the PES packet header.
constexpr std::array<uint8_t, 3> kPesStartCode = {0x00, 0x00, 0x01};
constexpr uint8_t kStreamIdPrivate1 = 0xBD;
constexpr size_t kPesFixedHeader = 6;     // start code, stream_id, PES_packet_length
constexpr size_t kPesOptionalHeader = 3;  // two flag bytes, PES_header_data_length
constexpr size_t kPtsSize = 5;
constexpr size_t kMaxPesPacketLength = 0xFFFF;
// First flag byte: '10' marker, scrambling 00, priority 0, data_alignment_indicator 1,
// copyright 0, original 0. Second: PTS_DTS_flags '10' when a PTS follows, else 00.
constexpr uint8_t kPesFlags1 = 0x84;
constexpr uint8_t kPesFlagsPts = 0x80;
// 2.4.3.7 PTS field: '0010', PTS[32..30], marker; PTS[29..15], marker; PTS[14..0], marker.
constexpr uint8_t kPtsPrefix = 0x20;
constexpr uint64_t kPtsModulo = uint64_t{1} << 33;
constexpr uint64_t kMicrosPerSecond = 1'000'000;
constexpr uint64_t kPtsHz = 90'000;

void AppendHeader(uint16_t pid, bool unit_start, uint8_t control, uint8_t counter,
                  std::vector<uint8_t>& out) {
  std::array<uint8_t, kTsHeaderSize> h{};
  Write(h, kSync, kTsSyncByte);
  Write(h, kPayloadUnitStart, unit_start ? 1 : 0);
  Write(h, kPid, pid);
  Write(h, kAdaptationFieldControl, control);
  Write(h, kContinuityCounter, counter & kContinuityMask);
  out.insert(out.end(), h.begin(), h.end());
}

// Fills in table_id, section_length and the long header of a section of `size` bytes (CRC
// included) and appends the CRC.
void FinishSection(uint8_t table_id, uint16_t extension, std::vector<uint8_t>& s) {
  const size_t size = s.size() + kCrcSize;
  Write(s, kTableId, table_id);
  Write(s, kSectionSyntax, 1);
  Write(s, kSectionReserved, 0x3);
  Write(s, kSectionLength, size - kSectionHeaderSize);
  Write(s, kTableIdExtension, extension);
  Write(s, kVersionReserved, 0x3);
  Write(s, kCurrentNext, 1);
  const uint32_t crc = Mpeg2Crc32(s);
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<uint8_t>(crc >> shift));
}

}  // namespace

uint64_t PtsFromMicros(uint64_t micros) {
  const uint64_t seconds = micros / kMicrosPerSecond;
  const uint64_t rest = micros % kMicrosPerSecond;
  return (seconds * kPtsHz + rest * kPtsHz / kMicrosPerSecond) % kPtsModulo;
}

Result<TsMuxer> TsMuxer::Create(const TsMuxOptions& options) {
  for (uint16_t pid : {options.pmt_pid, options.klv_pid}) {
    if (pid < kFirstFreePid || pid >= kNullPid) {
      return InvalidArgument(fmt::format("TS muxer: PID 0x{:04X} outside 0x0010..0x1FFE", pid));
    }
  }
  if (options.pmt_pid == options.klv_pid) {
    return InvalidArgument("TS muxer: the PMT and KLV PIDs are equal");
  }
  if (options.program_number == 0) return InvalidArgument("TS muxer: program number 0");
  return TsMuxer(options);
}

void TsMuxer::AppendSection(uint16_t pid, std::span<const uint8_t> section,
                            std::vector<uint8_t>& out) {
  uint8_t& counter = pid == 0 ? pat_counter_ : pmt_counter_;
  AppendHeader(pid, true, kPayloadOnly, counter, out);
  counter = static_cast<uint8_t>((counter + 1) & kContinuityMask);
  out.push_back(0);  // pointer_field: the section starts right after it
  out.insert(out.end(), section.begin(), section.end());
  out.resize(out.size() + kTsPayloadSize - kPointerFieldSize - section.size(), kStuffingByte);
}

void TsMuxer::AppendTables(std::vector<uint8_t>& out) {
  std::vector<uint8_t> pat(kLongHeaderSize + kPatEntrySize, 0);
  const std::span<uint8_t> entry = std::span<uint8_t>(pat).subspan(kLongHeaderSize);
  Write(entry, kEntryProgramNumber, options_.program_number);
  Write(entry, kEntryReserved, kAllOnes);
  Write(entry, kEntryPid, options_.pmt_pid);
  FinishSection(kPatTableId, options_.transport_stream_id, pat);
  AppendSection(0, pat, out);

  std::vector<uint8_t> pmt(kPmtFixedSize + kEsHeaderSize, 0);
  Write(pmt, kPcrReserved, kAllOnes);
  Write(pmt, kPcrPid, kNoPcrPid);
  Write(pmt, kProgramInfoReserved, kAllOnes);
  Write(pmt, kProgramInfoLength, 0);
  const std::span<uint8_t> es = std::span<uint8_t>(pmt).subspan(kPmtFixedSize);
  Write(es, kEsStreamType, kStreamTypePrivateData);
  Write(es, kEsPidReserved, kAllOnes);
  Write(es, kEsPid, options_.klv_pid);
  Write(es, kEsInfoReserved, kAllOnes);
  Write(es, kEsInfoLength, kKlvaRegistration.size());
  pmt.insert(pmt.end(), kKlvaRegistration.begin(), kKlvaRegistration.end());
  FinishSection(kPmtTableId, options_.program_number, pmt);
  AppendSection(options_.pmt_pid, pmt, out);
}

size_t TsMuxer::PesPacketCount(size_t klv_size, bool with_pts) {
  const size_t pes = kPesFixedHeader + kPesOptionalHeader + (with_pts ? kPtsSize : 0) + klv_size;
  return (pes + kTsPayloadSize - 1) / kTsPayloadSize;
}

Status TsMuxer::AppendKlv(std::span<const uint8_t> klv, std::optional<uint64_t> pts_90khz,
                          std::vector<uint8_t>& out) {
  const size_t header_data = pts_90khz ? kPtsSize : 0;
  const size_t after_length = kPesOptionalHeader + header_data + klv.size();
  if (after_length > kMaxPesPacketLength) {
    return InvalidArgument(
        fmt::format("TS muxer: a KLV packet of {} bytes exceeds one PES packet", klv.size()));
  }
  std::vector<uint8_t> pes;
  pes.reserve(kPesFixedHeader + after_length);
  pes.insert(pes.end(), kPesStartCode.begin(), kPesStartCode.end());
  pes.push_back(kStreamIdPrivate1);
  pes.push_back(static_cast<uint8_t>(after_length >> 8));
  pes.push_back(static_cast<uint8_t>(after_length));
  pes.push_back(kPesFlags1);
  pes.push_back(pts_90khz ? kPesFlagsPts : 0);
  pes.push_back(static_cast<uint8_t>(header_data));
  if (pts_90khz) {
    const uint64_t pts = *pts_90khz % kPtsModulo;
    pes.push_back(static_cast<uint8_t>(kPtsPrefix | ((pts >> 29) & 0x0E) | 1));
    pes.push_back(static_cast<uint8_t>(pts >> 22));
    pes.push_back(static_cast<uint8_t>(((pts >> 14) & 0xFE) | 1));
    pes.push_back(static_cast<uint8_t>(pts >> 7));
    pes.push_back(static_cast<uint8_t>(((pts << 1) & 0xFE) | 1));
  }
  pes.insert(pes.end(), klv.begin(), klv.end());

  size_t at = 0;
  bool first = true;
  while (at < pes.size()) {
    const size_t left = pes.size() - at;
    if (left >= kTsPayloadSize) {
      AppendHeader(options_.klv_pid, first, kPayloadOnly, klv_counter_, out);
      out.insert(out.end(), pes.begin() + static_cast<std::ptrdiff_t>(at),
                 pes.begin() + static_cast<std::ptrdiff_t>(at + kTsPayloadSize));
      at += kTsPayloadSize;
    } else {
      // The last packet: an adaptation field of stuffing fills what the PES leaves.
      AppendHeader(options_.klv_pid, first, kAdaptationAndPayload, klv_counter_, out);
      const size_t field = kTsPayloadSize - left;  // bytes of adaptation field, its length incl.
      out.push_back(static_cast<uint8_t>(field - 1));  // adaptation_field_length
      if (field > 1) {
        out.push_back(0);  // no flags
        out.resize(out.size() + field - 1 - kAdaptationFlagsSize, kStuffingByte);
      }
      out.insert(out.end(), pes.begin() + static_cast<std::ptrdiff_t>(at), pes.end());
      at = pes.size();
    }
    klv_counter_ = static_cast<uint8_t>((klv_counter_ + 1) & kContinuityMask);
    first = false;
  }
  return Status::Ok();
}

void TsMuxer::PadWithNullPackets(size_t packets, std::vector<uint8_t>& out) const {
  const size_t group = packets * kTsPacketSize;
  if (group == 0) return;
  while (out.size() % group != 0) {
    AppendHeader(kNullPid, false, kPayloadOnly, 0, out);
    out.resize(out.size() + kTsPayloadSize, kStuffingByte);
  }
}

}  // namespace biac::formats::klv
