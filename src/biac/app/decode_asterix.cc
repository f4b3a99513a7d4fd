// `biac decode --format asterix [--pcap]`: ASTERIX data blocks to JSON Lines, one object per
// record (formats/asterix/record.h gives the shape). Input: concatenated data blocks, or with
// --pcap the UDP payloads of a capture (ORADIS-framed payloads are recognised). A block or
// record that does not decode is reported as "byte N: reason" (N from the start of the file)
// and decoding goes on with the next block.

#include <nlohmann/json.hpp>

#include <istream>
#include <iterator>
#include <string>
#include <vector>

#include "biac/app/decode.h"
#include "biac/formats/asterix/pcap.h"
#include "biac/formats/asterix/record.h"

namespace biac::app {

namespace {

namespace asterix = formats::asterix;

std::string Position(size_t offset) { return "byte " + std::to_string(offset); }

// Decodes the data blocks of `bytes`, which start at `base` in the input.
void DecodeBlocks(std::span<const uint8_t> bytes, size_t base, DecodeOutput& out) {
  size_t offset = 0;
  asterix::RecordView view;
  while (offset < bytes.size()) {
    const auto block = asterix::ReadDataBlock(bytes.subspan(offset));
    if (!block.ok()) {
      // Without a valid LEN the next block cannot be found: the rest is skipped.
      out.Bad(Position(base + offset), block.error().message() + "; " +
                                           std::to_string(bytes.size() - offset) +
                                           " octets skipped");
      return;
    }
    const asterix::Edition* edition = asterix::DefaultEdition(block->category);
    if (edition == nullptr) {
      out.Bad(Position(base + offset), "CAT" + std::to_string(block->category) +
                                           " has no table in biac; block of " +
                                           std::to_string(block->size) + " octets skipped");
      offset += block->size;
      continue;
    }
    size_t record_offset = offset + asterix::kBlockHeaderSize;
    std::span<const uint8_t> rest = block->records;
    while (!rest.empty()) {
      asterix::DecodeFailure failure;
      if (!asterix::DecodeRecord(*edition, rest, view, failure)) {
        out.Bad(Position(base + record_offset + failure.offset),
                "CAT" + std::to_string(block->category) + " record: " + failure.reason +
                    "; rest of the block skipped");
        break;
      }
      out.RecordLine(asterix::RecordToJson(view).dump(
          -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
      record_offset += view.bytes.size();
      rest = rest.subspan(view.bytes.size());
    }
    offset += block->size;
  }
}

}  // namespace

Status DecodeAsterix(std::istream& in, const DecodeOptions& options, DecodeOutput& out) {
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>()};
  if (in.bad()) return Unavailable("read error");
  if (!options.pcap) {
    DecodeBlocks(bytes, 0, out);
    return Status::Ok();
  }
  return asterix::ForEachUdpDatagram(
      bytes,
      [&](const asterix::UdpDatagram& d) {
        if (asterix::LooksLikeOradis(d.payload)) {
          asterix::ForEachOradisFrame(d.payload, [&](size_t offset, std::span<const uint8_t> b) {
            DecodeBlocks(b, d.file_offset + offset, out);
          });
        } else {
          DecodeBlocks(d.payload, d.file_offset, out);
        }
      },
      [&](size_t offset, std::string_view reason) { out.Bad(Position(offset), reason); });
}

}  // namespace biac::app
