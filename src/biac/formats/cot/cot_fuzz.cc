// libFuzzer target for CoT XML: stream framing and event decoding. Besides "no crash, no
// sanitizer report" it checks, and aborts when one fails:
// 1. framing does not depend on how the stream is cut into reads (the first input byte
//    picks the read size): same frames, same offsets, same errors;
// 2. an event that decodes, written as XML and decoded again, is the same event, and the
//    writer's output is a fixed point (canonical);
// 3. such an event sent through TAK protocol mesh framing comes back equal, when it is
//    representable there (millisecond times after 1970, version 2.0, valid UTF-8);
// 4. its atom type, if it maps to a 2525B code, maps back to the same type (affiliation x
//    excepted, which has no 2525B identity);
// 5. JSON and the Observation mapping run on it without failing unexpectedly;
// 6. XmlDecoder::Decode (the allocation-free subset parser, pugixml for what it declines)
//    and pugixml alone agree on every input: accept/reject, error message, every field;
// 7. below the CoT rules: whenever the subset parser accepts a document, pugixml accepts it
//    too and builds the same tree (elements, attributes in order, text nodes).
// At exit it prints how many documents the subset parser accepted, so a run shows that
// property 7 was exercised.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "biac/formats/cot/framer.h"
#include "biac/formats/cot/json.h"
#include "biac/formats/cot/observation.h"
#include "biac/formats/cot/symbol.h"
#include "biac/formats/cot/takproto.h"
#include "biac/formats/cot/xml.h"
#include "biac/formats/cot/xml_subset.h"

namespace {

using biac::formats::cot::Event;

void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "cot_fuzz: property failed: %s\n", what);
  std::abort();
}

struct FrameRecord {
  std::string text;
  uint64_t offset;
  std::string error;
  bool operator==(const FrameRecord&) const = default;
};

std::vector<FrameRecord> FrameAll(std::string_view stream, size_t read_size) {
  biac::formats::cot::XmlStreamFramer framer;
  std::vector<FrameRecord> frames;
  biac::formats::cot::XmlFrame frame;
  auto drain = [&]() {
    while (framer.Next(frame)) {
      frames.push_back({std::string(frame.text), frame.offset, std::string(frame.error)});
    }
  };
  for (size_t at = 0; at < stream.size(); at += read_size) {
    framer.Append(stream.substr(at, read_size));
    drain();
  }
  framer.Finish();
  drain();
  return frames;
}

// UTF-8 as protobuf checks proto3 strings (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    if (c < 0x80) {
      n = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
    } else {
      return false;
    }
    if (n > 0 && i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    if (n > 0) {
      const auto second = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && second < 0xA0) || (c == 0xED && second >= 0xA0) ||
          (c == 0xF0 && second < 0x90) || (c == 0xF4 && second >= 0x90)) {
        return false;
      }
    }
    i += n + 1;
  }
  return true;
}

bool RepresentableInProtobuf(const Event& e) {
  constexpr int64_t kNanosPerMilli = 1'000'000;
  for (const biac::Timestamp t : {e.time, e.start, e.stale}) {
    if (t.nanos() < 0 || t.nanos() % kNanosPerMilli != 0) return false;
  }
  return e.version == "2.0" && IsValidUtf8(biac::formats::cot::WriteXml(e));
}

void CheckEvent(const Event& event) {
  const std::string xml = biac::formats::cot::WriteXml(event);
  biac::Result<biac::formats::cot::OwnedEvent> again = biac::formats::cot::DecodeXml(xml);
  Check(again.ok(), "a written event decodes");
  Check(*again == event, "decode(write(event)) == event");
  Check(biac::formats::cot::WriteXml(*again) == xml, "the writer is canonical");

  if (RepresentableInProtobuf(event)) {
    const std::string mesh = biac::formats::cot::EncodeMesh(event);
    biac::Result<biac::formats::cot::TakMessage> back = biac::formats::cot::DecodeMesh(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(mesh.data()), mesh.size()));
    Check(back.ok() && back->event.has_value(), "an encoded mesh message decodes");
    Check(*back->event == event, "protobuf round trip keeps the event");
  }

  biac::Result<std::string> code = biac::formats::cot::CotTypeToSymbolCode(event.type);
  if (code.ok() && event.type.size() > 2 && event.type[2] != 'x') {
    biac::Result<biac::formats::cot::CotTypeFromSymbol> type =
        biac::formats::cot::SymbolCodeToCotType(*code);
    Check(type.ok() && type->cot_type == event.type, "2525B mapping round trip");
  }

  (void)biac::formats::cot::EventToJson(event).dump(-1, ' ', false,
                                                    nlohmann::json::error_handler_t::replace);
  biac::formats::cot::ObservationOptions options;
  biac::Result<biac::model::Observation> obs = biac::formats::cot::ToObservation(event, options);
  Check(obs.ok() || obs.error().code() != biac::StatusCode::kInternal, "observation mapping");
}

struct SubsetStats {
  uint64_t documents = 0;
  uint64_t accepted = 0;
  ~SubsetStats() {
    std::fprintf(stderr, "cot_fuzz: subset parser accepted %llu of %llu documents\n",
                 static_cast<unsigned long long>(accepted),
                 static_cast<unsigned long long>(documents));
  }
};
SubsetStats g_stats;

bool SameTree(const biac::formats::cot::internal::SubsetParser& subset, int32_t index,
              const pugi::xml_node& node) {
  const biac::formats::cot::internal::SubsetNode& mine = subset.node(index);
  if (!mine.element) {
    return node.type() == pugi::node_pcdata && mine.text == std::string_view(node.value());
  }
  if (node.type() != pugi::node_element || mine.name != std::string_view(node.name())) {
    return false;
  }
  uint32_t k = 0;
  for (const pugi::xml_attribute& attribute : node.attributes()) {
    if (k >= mine.attribute_count) return false;
    const biac::formats::cot::internal::SubsetAttribute& a =
        subset.attribute(mine.first_attribute + k++);
    if (a.name != std::string_view(attribute.name()) ||
        a.value != std::string_view(attribute.value())) {
      return false;
    }
  }
  if (k != mine.attribute_count) return false;
  int32_t child = mine.first_child;
  for (const pugi::xml_node& theirs : node.children()) {
    if (child == biac::formats::cot::internal::kNoNode || !SameTree(subset, child, theirs)) {
      return false;
    }
    child = subset.node(child).next_sibling;
  }
  return child == biac::formats::cot::internal::kNoNode;
}

void CheckSubsetTree(std::string_view text) {
  ++g_stats.documents;
  biac::formats::cot::internal::SubsetParser subset;
  if (!subset.Parse(text)) return;
  ++g_stats.accepted;
  std::string copy(text);
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_buffer_inplace(
      copy.data(), copy.size(), biac::formats::cot::kPugixmlOptions, pugi::encoding_utf8);
  Check(static_cast<bool>(parsed), "pugixml accepts what the subset parser accepts");
  const pugi::xml_node root = document.first_child();
  Check(root && !root.next_sibling() && SameTree(subset, subset.root(), root),
        "the subset parser builds pugixml's tree");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t read_size = 1 + data[0] % 64;
  const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::vector<FrameRecord> whole = FrameAll(stream, stream.size() + 1);
  Check(FrameAll(stream, read_size) == whole, "framing is independent of read sizes");

  // Differential: Decode (the subset parser, pugixml for what it declines) against pugixml
  // alone must agree on accept/reject, on the error message and on every field.
  biac::formats::cot::XmlDecoder decoder;
  biac::formats::cot::XmlDecoder reference;
  Event event;
  Event expected;
  auto decode = [&](std::string_view text) {
    const biac::Status status = decoder.Decode(text, event);
    const biac::Status want = reference.DecodeWithPugixml(text, expected);
    Check(status.ok() == want.ok(), "subset parser and pugixml agree on accept/reject");
    if (!status.ok()) {
      Check(status.message() == want.message(), "subset parser and pugixml give one message");
      return;
    }
    Check(event == expected, "subset parser and pugixml agree on every field");
    CheckEvent(event);
  };
  for (const FrameRecord& frame : whole) {
    if (!frame.error.empty()) continue;
    CheckSubsetTree(frame.text);
    decode(frame.text);
  }
  // The whole input as one document, too (no framing).
  CheckSubsetTree(stream);
  decode(stream);
  return 0;
}
