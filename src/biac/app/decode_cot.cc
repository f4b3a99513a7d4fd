// `biac decode --format cot` (a stream of concatenated CoT XML events, as TAK streams them
// over TCP) and `--format takproto` (TAK protocol version 1, stream framing). One JSON object
// per event (formats/cot/json.h); a bad event or frame is reported with its byte offset and
// decoding goes on at the next event.

#include <array>
#include <istream>
#include <span>
#include <string>

#include "biac/app/decode.h"
#include "biac/formats/cot/framer.h"
#include "biac/formats/cot/json.h"
#include "biac/formats/cot/takproto.h"
#include "biac/formats/cot/xml.h"

namespace biac::app {
namespace {

constexpr size_t kReadBytes = 1 << 16;

std::string ByteOffset(uint64_t offset) { return "byte " + std::to_string(offset); }

// Reads `in` in blocks and hands each to `consume`; false if the stream failed (not EOF).
template <typename Consume>
bool ReadBlocks(std::istream& in, Consume&& consume) {
  std::array<char, kReadBytes> block;
  while (in) {
    in.read(block.data(), block.size());
    const std::streamsize got = in.gcount();
    if (got > 0) consume(std::string_view(block.data(), static_cast<size_t>(got)));
  }
  return !in.bad();
}

}  // namespace

Status DecodeCot(std::istream& in, const DecodeOptions& options, DecodeOutput& out) {
  formats::cot::XmlStreamFramer framer;
  formats::cot::XmlDecoder decoder;
  formats::cot::Event event;
  formats::cot::XmlFrame frame;
  auto drain = [&]() {
    while (framer.Next(frame)) {
      if (!frame.error.empty()) {
        out.Bad(ByteOffset(frame.offset), frame.error);
        continue;
      }
      const Status status = decoder.Decode(frame.text, event);
      if (!status.ok()) {
        out.Bad(ByteOffset(frame.offset), status.message());
        continue;
      }
      out.Record(formats::cot::EventToJson(event));
    }
  };
  const bool read_ok = ReadBlocks(in, [&](std::string_view bytes) {
    framer.Append(bytes);
    drain();
  });
  framer.Finish();
  drain();
  if (!read_ok) return Unavailable("read error on " + options.input_name);
  return Status::Ok();
}

Status DecodeTakProto(std::istream& in, const DecodeOptions& options, DecodeOutput& out) {
  formats::cot::TakStreamFramer framer;
  formats::cot::TakStreamFramer::Frame frame;
  auto drain = [&]() {
    while (framer.Next(frame)) {
      if (!frame.error.empty()) {
        out.Bad(ByteOffset(frame.offset), frame.error);
        continue;
      }
      Result<formats::cot::TakMessage> message = formats::cot::DecodeTakMessage(frame.payload);
      if (!message.ok()) {
        out.Bad(ByteOffset(frame.offset), message.error().message());
        continue;
      }
      out.Record(formats::cot::TakMessageToJson(*message));
    }
  };
  const bool read_ok = ReadBlocks(in, [&](std::string_view bytes) {
    framer.Append(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    drain();
  });
  if (framer.pending() > 0) {
    out.Bad(ByteOffset(framer.pending_offset()),
            "truncated frame: " + std::to_string(framer.pending()) + " bytes at end of input");
  }
  if (!read_ok) return Unavailable("read error on " + options.input_name);
  return Status::Ok();
}

}  // namespace biac::app
