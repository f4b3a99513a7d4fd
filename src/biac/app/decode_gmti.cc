// `biac decode --format gmti`: STANAG 4607 packets to JSON Lines, one object per segment.
//
// Framing: packets follow each other, each sized by its own P2 (AEDP-7 packet header). A
// segment that does not decode is reported ("byte N: reason", N its offset in the input) and
// the packet's next segment follows by the segment size; a segment header that breaks the
// framing ends that packet. A packet header that cannot be right (P2 below 37 bytes, past the
// end of the input, or not two digits of version) is reported once and decoding resumes at
// the next byte that starts a plausible packet header.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdint>
#include <istream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "biac/app/decode.h"
#include "biac/formats/gmti/decoder.h"
#include "biac/formats/gmti/json.h"

namespace biac::app {
namespace {

namespace gmti = formats::gmti;

// The smallest packet: a header and one empty segment header.
constexpr size_t kMinPacketSize = gmti::packet_header::kSize + gmti::segment_header::kBytes;

std::string Position(size_t byte) { return fmt::format("byte {}", byte); }

// Why the bytes at `data` cannot start a packet, or empty if they can: two ASCII digits of
// version (P1), a packet size (P2) of at least one segment that fits the input, and a first
// segment header whose size fits the packet.
std::string PacketProblem(std::span<const uint8_t> data) {
  if (data.size() < gmti::packet_header::kSize) {
    return fmt::format("{} bytes left, a packet header needs {}", data.size(),
                       gmti::packet_header::kSize);
  }
  if (!std::isdigit(data[0]) || !std::isdigit(data[1])) {
    return fmt::format("version (P1) {:02x}{:02x} is not two ASCII digits", data[0], data[1]);
  }
  auto header = gmti::DecodePacketHeader(data);
  if (!header.ok()) return header.status().message();
  const uint32_t size = gmti::PacketSize(*header);
  if (size < kMinPacketSize) {
    return fmt::format("packet size (P2) {} is below the {} bytes of a header and a segment", size,
                       kMinPacketSize);
  }
  if (size > data.size()) {
    return fmt::format("packet size (P2) {} runs past the end of the input ({} bytes left)", size,
                       data.size());
  }
  return {};
}

bool PlausiblePacket(std::span<const uint8_t> data) {
  if (!PacketProblem(data).empty()) return false;
  const auto first = data.subspan(gmti::packet_header::kSize, gmti::segment_header::kBytes);
  const auto size = static_cast<uint32_t>(gmti::ReadRaw(
      first.subspan(gmti::segment_header::kSize.offset, gmti::segment_header::kSize.size),
      gmti::segment_header::kSize.type));
  const uint32_t packet_size =
      static_cast<uint32_t>(gmti::ReadRaw(data.subspan(gmti::packet_header::kPacketSize.offset, 4),
                                          gmti::packet_header::kPacketSize.type));
  return size >= gmti::segment_header::kBytes && size <= packet_size - gmti::packet_header::kSize;
}

void DecodeOnePacket(std::span<const uint8_t> packet, size_t packet_offset, DecodeOutput& out) {
  const gmti::PacketHeader header = gmti::DecodePacketHeader(packet).value();
  const nlohmann::json header_json = gmti::ToJson(header);
  gmti::SegmentReader reader(packet);
  gmti::SegmentHeader segment_header;
  std::span<const uint8_t> payload;
  gmti::Segment segment;
  while (true) {
    auto more = reader.Next(segment_header, payload);
    if (!more.ok()) {
      out.Bad(Position(packet_offset + reader.segment_offset()),
              fmt::format("packet at byte {}: {}", packet_offset, more.status().message()));
      return;
    }
    if (!*more) return;
    const size_t at = packet_offset + reader.segment_offset();
    const Status status = gmti::DecodeSegment(segment_header.type, payload, segment);
    if (!status.ok()) {
      out.Bad(Position(at), status.message());
      continue;
    }
    nlohmann::json record = {
        {"offset", at}, {"packet_offset", packet_offset}, {"header", header_json}};
    record.update(gmti::ToJson(segment));
    out.Record(record);
  }
}

}  // namespace

Status DecodeGmti(std::istream& in, const DecodeOptions& /*options*/, DecodeOutput& out) {
  const std::vector<uint8_t> input((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  if (in.bad()) return Unavailable("read error");
  const std::span<const uint8_t> all(input);
  size_t offset = 0;
  while (offset < all.size()) {
    const auto rest = all.subspan(offset);
    const std::string problem = PacketProblem(rest);
    if (problem.empty()) {
      const size_t size = gmti::PacketSize(gmti::DecodePacketHeader(rest).value());
      DecodeOnePacket(rest.first(size), offset, out);
      offset += size;
      continue;
    }
    size_t next = offset + 1;
    while (next < all.size() && !PlausiblePacket(all.subspan(next))) ++next;
    if (next < all.size()) {
      out.Bad(Position(offset), fmt::format("{}; skipped {} bytes to the next packet header",
                                            problem, next - offset));
    } else {
      out.Bad(Position(offset), fmt::format("{}; no packet header follows", problem));
    }
    offset = next;
  }
  return Status::Ok();
}

}  // namespace biac::app
