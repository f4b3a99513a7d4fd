// libFuzzer target for TAK protocol version 1: stream framing, mesh framing and TakMessage
// protobuf decoding. Besides "no crash, no sanitizer report" it checks, and aborts when one
// fails:
// 1. stream framing does not depend on how the stream is cut into reads (the first input
//    byte picks the read size);
// 2. a message that decodes, encoded again and decoded, is the same message;
// 3. its event, if it survives as XML (XML is stricter: how and uid without spaces), comes
//    back equal from XML.

#include "biac/formats/cot/takproto.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "biac/formats/cot/json.h"
#include "biac/formats/cot/xml.h"

namespace {

namespace cot = biac::formats::cot;

void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "takproto_fuzz: property failed: %s\n", what);
  std::abort();
}

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct FrameRecord {
  std::vector<uint8_t> payload;
  uint64_t offset;
  std::string error;
  bool operator==(const FrameRecord&) const = default;
};

std::vector<FrameRecord> FrameAll(std::span<const uint8_t> stream, size_t read_size) {
  cot::TakStreamFramer framer;
  std::vector<FrameRecord> frames;
  cot::TakStreamFramer::Frame frame;
  for (size_t at = 0; at < stream.size(); at += read_size) {
    framer.Append(stream.subspan(at, std::min(read_size, stream.size() - at)));
    while (framer.Next(frame)) {
      frames.push_back({{frame.payload.begin(), frame.payload.end()}, frame.offset, frame.error});
    }
  }
  return frames;
}

void CheckMessage(const cot::TakMessage& message) {
  const std::string bytes = cot::EncodeTakMessage(message);
  biac::Result<cot::TakMessage> again = cot::DecodeTakMessage(Span(bytes));
  Check(again.ok(), "an encoded message decodes");
  Check(*again == message, "decode(encode(message)) == message");
  (void)cot::TakMessageToJson(message).dump(-1, ' ', false,
                                            nlohmann::json::error_handler_t::replace);
  // XML 1.0 has no form for U+0000 (the writer's "&#00;" does not read back), so events
  // carrying one are left out of the XML comparison.
  if (message.event && cot::WriteXml(*message.event).find("&#00;") == std::string::npos) {
    biac::Result<cot::OwnedEvent> from_xml = cot::DecodeXml(cot::WriteXml(*message.event));
    if (from_xml.ok()) Check(*from_xml == *message.event, "XML round trip of a protobuf event");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t read_size = 1 + data[0] % 64;
  const std::span<const uint8_t> stream(data + 1, size - 1);
  const std::vector<FrameRecord> whole = FrameAll(stream, stream.size() + 1);
  Check(FrameAll(stream, read_size) == whole, "framing is independent of read sizes");
  for (const FrameRecord& frame : whole) {
    if (!frame.error.empty()) continue;
    biac::Result<cot::TakMessage> message = cot::DecodeTakMessage(frame.payload);
    if (message.ok()) CheckMessage(*message);
  }
  biac::Result<cot::TakMessage> mesh = cot::DecodeMesh(stream);
  if (mesh.ok()) CheckMessage(*mesh);
  return 0;
}
