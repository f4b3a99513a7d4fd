#include "biac/formats/gmti/decoder.h"

#include <fmt/format.h>

#include <algorithm>

#include "biac/base/bits.h"

namespace biac::formats::gmti {
namespace {

template <typename Record>
Status DecodeFixed(std::span<const uint8_t> payload, std::string_view what, Record& out) {
  if (payload.size() != Record::kSize) {
    return InvalidArgument(fmt::format("{} segment: payload of {} bytes, expected {}", what,
                                       payload.size(), Record::kSize));
  }
  std::copy(payload.begin(), payload.end(), out.bytes.begin());
  return Status::Ok();
}

// Size of the fields a mask selects from a table whose first field has mask bit `first_bit`.
template <size_t N>
size_t SelectedSize(const std::array<FieldSpec, N>& fields, unsigned first_bit, uint64_t mask) {
  size_t size = 0;
  for (size_t i = 0; i < N; ++i) {
    if ((mask >> (first_bit - i)) & 1u) size += fields[i].size;
  }
  return size;
}

// Reads the fields the mask selects, in table order, into raw (absent fields become 0).
// The caller has checked that the bytes are there.
template <size_t N>
size_t ReadSelected(const std::array<FieldSpec, N>& fields, unsigned first_bit, uint64_t mask,
                    const uint8_t* data, std::array<int64_t, N>& raw) {
  size_t offset = 0;
  for (size_t i = 0; i < N; ++i) {
    if ((mask >> (first_bit - i)) & 1u) {
      raw[i] = ReadRaw(std::span<const uint8_t>(data + offset, fields[i].size), fields[i].type);
      offset += fields[i].size;
    } else {
      raw[i] = 0;
    }
  }
  return offset;
}

}  // namespace

Result<PacketHeader> DecodePacketHeader(std::span<const uint8_t> data) {
  if (data.size() < packet_header::kSize) {
    return InvalidArgument(
        fmt::format("packet header: {} bytes, needs {}", data.size(), packet_header::kSize));
  }
  PacketHeader h;
  std::copy_n(data.begin(), packet_header::kSize, h.bytes.begin());
  const uint32_t size = PacketSize(h);
  if (size < packet_header::kSize) {
    return InvalidArgument(fmt::format("packet size (P2) {} is smaller than the {}-byte header",
                                       size, packet_header::kSize));
  }
  return h;
}

Result<bool> SegmentReader::Next(SegmentHeader& header, std::span<const uint8_t>& payload) {
  if (offset_ >= packet_.size()) return false;
  segment_offset_ = offset_;
  const size_t left = packet_.size() - offset_;
  if (left < segment_header::kBytes) {
    return InvalidArgument(
        fmt::format("segment at byte {}: {} bytes left, a segment header needs {}", offset_, left,
                    segment_header::kBytes));
  }
  const auto head = packet_.subspan(offset_, segment_header::kBytes);
  header.type = static_cast<uint8_t>(
      ReadRaw(head.subspan(segment_header::kType.offset, segment_header::kType.size),
              segment_header::kType.type));
  header.size = static_cast<uint32_t>(
      ReadRaw(head.subspan(segment_header::kSize.offset, segment_header::kSize.size),
              segment_header::kSize.type));
  if (header.size < segment_header::kBytes) {
    return InvalidArgument(fmt::format(
        "segment at byte {} (type {}): size {} is smaller than the {}-byte segment header", offset_,
        header.type, header.size, segment_header::kBytes));
  }
  if (header.size > left) {
    return InvalidArgument(fmt::format(
        "segment at byte {} (type {}): size {} runs past the end of the packet ({} bytes left)",
        offset_, header.type, header.size, left));
  }
  payload = packet_.subspan(offset_ + segment_header::kBytes, header.size - segment_header::kBytes);
  offset_ += header.size;
  return true;
}

Status DecodeMission(std::span<const uint8_t> payload, MissionSegment& out) {
  return DecodeFixed(payload, "mission", out);
}

Status DecodePlatformLocation(std::span<const uint8_t> payload, PlatformLocationSegment& out) {
  return DecodeFixed(payload, "platform location", out);
}

Status DecodeJobDefinition(std::span<const uint8_t> payload, JobDefinitionSegment& out) {
  return DecodeFixed(payload, "job definition", out);
}

Status DecodeFreeText(std::span<const uint8_t> payload, FreeTextSegment& out) {
  if (payload.size() < free_text::kFixedSize) {
    return InvalidArgument(fmt::format("free text segment: payload of {} bytes, needs at least {}",
                                       payload.size(), free_text::kFixedSize));
  }
  std::copy_n(payload.begin(), free_text::kFixedSize, out.fixed.bytes.begin());
  const auto text = payload.subspan(free_text::kFixedSize);
  out.text = std::string_view(reinterpret_cast<const char*>(text.data()), text.size());
  return Status::Ok();
}

size_t DwellPayloadSize(uint64_t existence_mask, size_t report_count) {
  return dwell::kMaskBytes + SelectedSize(dwell::kFields, dwell::kFirstFieldBit, existence_mask) +
         report_count * SelectedSize(target::kFields, target::kFirstFieldBit, existence_mask);
}

Status DecodeDwell(std::span<const uint8_t> payload, DwellSegment& out) {
  if (payload.size() < dwell::kMaskBytes) {
    return InvalidArgument(
        fmt::format("dwell segment: payload of {} bytes has no existence mask", payload.size()));
  }
  const uint64_t mask = LoadBigEndian(payload.data(), dwell::kMaskBytes);
  const uint64_t missing = kMandatoryDwellMask & ~mask;
  if (missing != 0) {
    // The highest missing bit names the first missing field in wire order.
    unsigned bit = 63;
    while (((missing >> bit) & 1u) == 0) --bit;
    const FieldSpec& field = dwell::kFields[dwell::kFirstFieldBit - bit];
    return InvalidArgument(
        fmt::format("dwell segment: existence mask {:016x} lacks mandatory field {} ({})", mask,
                    field.id, field.name));
  }
  out.existence_mask = mask;
  const size_t fixed = SelectedSize(dwell::kFields, dwell::kFirstFieldBit, mask);
  if (payload.size() < dwell::kMaskBytes + fixed) {
    return InvalidArgument(fmt::format(
        "dwell segment: existence mask {:016x} needs {} bytes before the reports, payload has {}",
        mask, dwell::kMaskBytes + fixed, payload.size()));
  }
  ReadSelected(dwell::kFields, dwell::kFirstFieldBit, mask, payload.data() + dwell::kMaskBytes,
               out.raw);
  const auto count = static_cast<size_t>(out.Raw(DwellField::kTargetReportCount));
  const size_t report_size = SelectedSize(target::kFields, target::kFirstFieldBit, mask);
  const size_t expected = dwell::kMaskBytes + fixed + count * report_size;
  if (payload.size() != expected) {
    return InvalidArgument(fmt::format(
        "dwell segment: mask {:016x} and {} target reports of {} bytes make {} bytes, payload "
        "has {}",
        mask, count, report_size, expected, payload.size()));
  }
  // The mask is the same for every report: list the present fields once, then read each
  // report along that list.
  std::array<uint8_t, target::kFieldCount> present{};
  size_t present_count = 0;
  for (size_t i = 0; i < target::kFieldCount; ++i) {
    if ((mask >> (target::kFirstFieldBit - i)) & 1u)
      present[present_count++] = static_cast<uint8_t>(i);
  }
  out.reports.resize(count);
  const uint8_t* p = payload.data() + dwell::kMaskBytes + fixed;
  for (TargetReport& report : out.reports) {
    report.raw = {};
    for (size_t k = 0; k < present_count; ++k) {
      const FieldSpec& field = target::kFields[present[k]];
      report.raw[present[k]] = ReadRaw(std::span<const uint8_t>(p, field.size), field.type);
      p += field.size;
    }
  }
  return Status::Ok();
}

Status DecodeSegment(uint8_t type, std::span<const uint8_t> payload, Segment& out) {
  switch (static_cast<SegmentType>(type)) {
    case SegmentType::kMission:
      return DecodeMission(payload, out.emplace<MissionSegment>());
    case SegmentType::kDwell:
      if (!std::holds_alternative<DwellSegment>(out)) out.emplace<DwellSegment>();
      return DecodeDwell(payload, std::get<DwellSegment>(out));
    case SegmentType::kJobDefinition:
      return DecodeJobDefinition(payload, out.emplace<JobDefinitionSegment>());
    case SegmentType::kPlatformLocation:
      return DecodePlatformLocation(payload, out.emplace<PlatformLocationSegment>());
    case SegmentType::kFreeText:
      return DecodeFreeText(payload, out.emplace<FreeTextSegment>());
    default:
      out = OtherSegment{type, static_cast<uint32_t>(payload.size())};
      return Status::Ok();
  }
}

uint8_t TypeOf(const Segment& segment) {
  struct Visitor {
    uint8_t operator()(const MissionSegment&) const {
      return static_cast<uint8_t>(SegmentType::kMission);
    }
    uint8_t operator()(const DwellSegment&) const {
      return static_cast<uint8_t>(SegmentType::kDwell);
    }
    uint8_t operator()(const JobDefinitionSegment&) const {
      return static_cast<uint8_t>(SegmentType::kJobDefinition);
    }
    uint8_t operator()(const PlatformLocationSegment&) const {
      return static_cast<uint8_t>(SegmentType::kPlatformLocation);
    }
    uint8_t operator()(const FreeTextSegment&) const {
      return static_cast<uint8_t>(SegmentType::kFreeText);
    }
    uint8_t operator()(const OtherSegment& o) const { return o.type; }
  };
  return std::visit(Visitor{}, segment);
}

Result<Packet> DecodePacket(std::span<const uint8_t> data) {
  BIAC_ASSIGN_OR_RETURN(PacketHeader header, DecodePacketHeader(data));
  if (PacketSize(header) != data.size()) {
    return InvalidArgument(
        fmt::format("packet size (P2) {} but {} bytes given", PacketSize(header), data.size()));
  }
  Packet packet{header, {}};
  SegmentReader reader(data);
  SegmentHeader segment_header;
  std::span<const uint8_t> payload;
  while (true) {
    BIAC_ASSIGN_OR_RETURN(bool more, reader.Next(segment_header, payload));
    if (!more) break;
    Segment segment;
    const Status status = DecodeSegment(segment_header.type, payload, segment);
    if (!status.ok()) {
      return InvalidArgument(
          fmt::format("segment at byte {}: {}", reader.segment_offset(), status.message()));
    }
    packet.segments.push_back(std::move(segment));
  }
  return packet;
}

}  // namespace biac::formats::gmti
