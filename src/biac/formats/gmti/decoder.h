#pragma once

// Decoding STANAG 4607 packets: bytes -> packet header, segment headers and segments.
//
// Hot path: a caller walks a packet with SegmentReader and decodes each segment into a struct
// it owns (DecodeDwell reuses the report vector of the DwellSegment it is given); nothing is
// allocated per packet once the caller's structures have grown to the largest dwell seen.
// DecodePacket is the convenient, allocating form for tests and tools.
//
// Errors name the byte offset (from the start of the span given) and the reason, e.g.
// "segment at byte 32: size 3 is smaller than the 5-byte segment header".

#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "biac/base/status.h"
#include "biac/formats/gmti/segments.h"

namespace biac::formats::gmti {

// Decodes and checks the 32-byte header at the start of `data`: P2 must be at least 32 (the
// header itself). Whether the whole packet is present is the caller's to check against P2.
Result<PacketHeader> DecodePacketHeader(std::span<const uint8_t> data);

// P2, the packet size in bytes (header included).
inline uint32_t PacketSize(const PacketHeader& h) {
  return static_cast<uint32_t>(h.Raw(packet_header::kPacketSize));
}

// Walks the segments of one packet (header included in `packet`, whose size is P2).
class SegmentReader {
 public:
  explicit SegmentReader(std::span<const uint8_t> packet)
      : packet_(packet), offset_(packet_header::kSize) {}

  // The next segment's header and payload (a view into the packet). Returns false at the end
  // of the packet; an error when a segment header is cut short, or its size is below 5 or runs
  // past the end of the packet (the packet's remaining segments cannot be found then).
  Result<bool> Next(SegmentHeader& header, std::span<const uint8_t>& payload);
  // Offset of the segment Next returned last (or of the next one before the first call).
  size_t segment_offset() const { return segment_offset_; }

 private:
  std::span<const uint8_t> packet_;
  size_t offset_;
  size_t segment_offset_ = packet_header::kSize;
};

// Each decodes a segment payload (without its 5-byte header). Fixed-size segments must have
// exactly their size. Messages name the field and its offset inside the payload.
Status DecodeMission(std::span<const uint8_t> payload, MissionSegment& out);
Status DecodePlatformLocation(std::span<const uint8_t> payload, PlatformLocationSegment& out);
Status DecodeJobDefinition(std::span<const uint8_t> payload, JobDefinitionSegment& out);
// F3 is a view into `payload`.
Status DecodeFreeText(std::span<const uint8_t> payload, FreeTextSegment& out);
// Checks that the mandatory fields' mask bits are set, reads the fields the mask names and
// D5 target reports, and checks that they fill the payload exactly.
Status DecodeDwell(std::span<const uint8_t> payload, DwellSegment& out);

// The bytes a dwell with this mask and report count occupies (payload only).
size_t DwellPayloadSize(uint64_t existence_mask, size_t report_count);

// --- Convenience: whole packets into owning structures -----------------------------------------

using Segment = std::variant<MissionSegment, DwellSegment, JobDefinitionSegment,
                             PlatformLocationSegment, FreeTextSegment, OtherSegment>;

// Decodes a payload of segment type `type` into `out` (types biac does not decode become an
// OtherSegment).
Status DecodeSegment(uint8_t type, std::span<const uint8_t> payload, Segment& out);

// S1 of a decoded segment.
uint8_t TypeOf(const Segment& segment);

struct Packet {
  PacketHeader header;
  std::vector<Segment> segments;  // free text views point into the decoded bytes
};

// Decodes one packet that fills `data` exactly (P2 == data.size()).
Result<Packet> DecodePacket(std::span<const uint8_t> data);

}  // namespace biac::formats::gmti
