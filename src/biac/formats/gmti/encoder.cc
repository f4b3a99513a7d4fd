#include "biac/formats/gmti/encoder.h"

#include <fmt/format.h>

#include <limits>

namespace biac::formats::gmti {
namespace {

void AppendRaw(WireType type, int64_t raw, std::vector<uint8_t>& out) {
  const size_t at = out.size();
  out.resize(at + Info(type).size);
  WriteRaw(std::span<uint8_t>(out).subspan(at), type, raw);
}

void AppendSegmentHeader(SegmentType type, size_t payload_size, std::vector<uint8_t>& out) {
  AppendRaw(segment_header::kType.type, static_cast<int64_t>(type), out);
  AppendRaw(segment_header::kSize.type, static_cast<int64_t>(payload_size + segment_header::kBytes),
            out);
}

template <size_t N>
void AppendFixed(SegmentType type, const FixedRecord<N>& record, std::vector<uint8_t>& out) {
  AppendSegmentHeader(type, N, out);
  out.insert(out.end(), record.bytes.begin(), record.bytes.end());
}

template <size_t N>
void AppendSelected(const std::array<FieldSpec, N>& fields, unsigned first_bit, uint64_t mask,
                    const std::array<int64_t, N>& raw, std::vector<uint8_t>& out) {
  for (size_t i = 0; i < N; ++i) {
    if ((mask >> (first_bit - i)) & 1u) AppendRaw(fields[i].type, raw[i], out);
  }
}

constexpr size_t kMaxReports = 65535;  // D5 is an I16
constexpr size_t kMaxSegmentSize = std::numeric_limits<uint32_t>::max();

}  // namespace

void AppendMission(const MissionSegment& segment, std::vector<uint8_t>& out) {
  AppendFixed(SegmentType::kMission, segment, out);
}

void AppendPlatformLocation(const PlatformLocationSegment& segment, std::vector<uint8_t>& out) {
  AppendFixed(SegmentType::kPlatformLocation, segment, out);
}

void AppendJobDefinition(const JobDefinitionSegment& segment, std::vector<uint8_t>& out) {
  AppendFixed(SegmentType::kJobDefinition, segment, out);
}

Status AppendFreeText(const FreeTextSegment& segment, std::vector<uint8_t>& out) {
  const size_t payload = free_text::kFixedSize + segment.text.size();
  if (payload + segment_header::kBytes > kMaxSegmentSize) {
    return InvalidArgument(
        fmt::format("free text of {} bytes exceeds the segment size limit", segment.text.size()));
  }
  AppendSegmentHeader(SegmentType::kFreeText, payload, out);
  out.insert(out.end(), segment.fixed.bytes.begin(), segment.fixed.bytes.end());
  out.insert(out.end(), segment.text.begin(), segment.text.end());
  return Status::Ok();
}

Status AppendDwell(const DwellSegment& segment, std::vector<uint8_t>& out) {
  if (segment.reports.size() > kMaxReports) {
    return InvalidArgument(fmt::format("dwell: {} target reports, at most {} fit D5",
                                       segment.reports.size(), kMaxReports));
  }
  const uint64_t mask = segment.existence_mask | kMandatoryDwellMask;
  const size_t payload = DwellPayloadSize(mask, segment.reports.size());
  if (payload + segment_header::kBytes > kMaxSegmentSize) {
    return InvalidArgument(
        fmt::format("dwell of {} bytes exceeds the segment size limit", payload));
  }
  out.reserve(out.size() + segment_header::kBytes + payload);
  AppendSegmentHeader(SegmentType::kDwell, payload, out);
  const size_t at = out.size();
  out.resize(at + dwell::kMaskBytes);
  for (size_t i = 0; i < dwell::kMaskBytes; ++i) {
    out[at + i] = static_cast<uint8_t>(mask >> (8 * (dwell::kMaskBytes - 1 - i)));
  }
  std::array<int64_t, dwell::kFieldCount> raw = segment.raw;
  raw[static_cast<size_t>(DwellField::kTargetReportCount)] =
      static_cast<int64_t>(segment.reports.size());
  AppendSelected(dwell::kFields, dwell::kFirstFieldBit, mask, raw, out);
  for (const TargetReport& report : segment.reports) {
    AppendSelected(target::kFields, target::kFirstFieldBit, mask, report.raw, out);
  }
  return Status::Ok();
}

Status AppendSegment(const Segment& segment, std::vector<uint8_t>& out) {
  struct Visitor {
    std::vector<uint8_t>& out;
    Status operator()(const MissionSegment& s) const {
      AppendMission(s, out);
      return Status::Ok();
    }
    Status operator()(const DwellSegment& s) const { return AppendDwell(s, out); }
    Status operator()(const JobDefinitionSegment& s) const {
      AppendJobDefinition(s, out);
      return Status::Ok();
    }
    Status operator()(const PlatformLocationSegment& s) const {
      AppendPlatformLocation(s, out);
      return Status::Ok();
    }
    Status operator()(const FreeTextSegment& s) const { return AppendFreeText(s, out); }
    Status operator()(const OtherSegment& s) const {
      return InvalidArgument(
          fmt::format("segment type {} cannot be encoded (its bytes are not kept)", s.type));
    }
  };
  return std::visit(Visitor{out}, segment);
}

Result<std::vector<uint8_t>> EncodePacket(const PacketHeader& header,
                                          std::span<const Segment> segments) {
  std::vector<uint8_t> out(header.bytes.begin(), header.bytes.end());
  for (const Segment& segment : segments) BIAC_RETURN_IF_ERROR(AppendSegment(segment, out));
  if (out.size() > kMaxSegmentSize) {
    return InvalidArgument(fmt::format("packet of {} bytes exceeds P2's limit", out.size()));
  }
  PacketHeader sized = header;
  sized.SetRaw(packet_header::kPacketSize, static_cast<int64_t>(out.size()));
  std::copy(sized.bytes.begin(), sized.bytes.end(), out.begin());
  return out;
}

}  // namespace biac::formats::gmti
