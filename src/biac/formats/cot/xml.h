#pragma once

// CoT XML: decoding one <event> document into an Event with strict validation, and writing
// an Event back as canonical XML. Stream framing of concatenated events is in framer.h.
//
// Validation (MITRE CoT Event schema 2.0, Event-PUBLIC.xsd): the document holds exactly one
// <event>; uid, type, how, time, start and stale are required; times are ISO 8601 date-times
// and stale is not before start; <point> is required with lat in [-90, 90], lon in
// [-180, 180], hae finite, ce and le >= 0 (9999999 = unknown). Errors name the element and
// attribute: "point: attribute 'lat' = '91': out of range [-90, 90]".
//
// XML safety: neither parser loads external entities or DTDs (pugixml skips a DOCTYPE, the
// subset parser declines it), so external-entity attacks (XXE) and entity expansion do not
// apply.

#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "biac/base/status.h"
#include "biac/formats/cot/event.h"
#include "biac/formats/cot/xml_subset.h"

namespace biac::formats::cot {

// pugixml options of both decoders: entity and character references, CDATA, end-of-line
// normalisation and attribute-value normalisation (XML 1.0 sections 2.11, 3.3.3); no
// DOCTYPE processing. Text made only of white space is kept when it is an element's only
// child (a remark of " "), and dropped as layout between elements. The subset parser
// (xml_subset.h) builds the tree pugixml builds with these options.
inline constexpr unsigned kPugixmlOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

// Reusable decoder. Decode tries the allocation-free subset parser (xml_subset.h) first and
// hands everything outside the subset to pugixml, so every input gets pugixml's verdict;
// both paths share the CoT rules below the XML tree. Once its buffers have grown to the
// largest event seen, decoding an event in the subset allocates nothing (no_alloc_test.cc).
//
// Lifetime: the Event's text refers to `xml` and to this decoder's buffers. It is valid
// while `xml` is unchanged and until the next call on this decoder; copy it into an
// OwnedEvent to keep it longer.
class XmlDecoder {
 public:
  enum class Parser { kSubset, kPugixml };

  // Decodes one event document (an XML declaration before it is allowed). On error `event`
  // is left in an unspecified state.
  Status Decode(std::string_view xml, Event& event);

  // The reference path: pugixml only. Decode gives the same result for every input (the
  // fuzz target and xml_test.cc check it).
  Status DecodeWithPugixml(std::string_view xml, Event& event);

  // Which parser gave the result of the last Decode.
  Parser last_parser() const { return last_parser_; }

  // Parses `xml`, the children of a <detail> element without the wrapper (TAK xmlDetail),
  // into `detail` (typed children, and other_xml, which is replaced). Typed fields of
  // `detail` the text does not mention are left as they are. Always through pugixml.
  Status DecodeDetailChildren(std::string_view xml, Detail& detail);

 private:
  internal::SubsetParser subset_;
  pugi::xml_document document_;
  std::string buffer_;     // pugixml parses a copy of the input in place
  std::string other_xml_;  // Detail::other_xml of the last event
  Parser last_parser_ = Parser::kSubset;
};

// One-shot convenience over XmlDecoder; the event owns its text.
Result<OwnedEvent> DecodeXml(std::string_view xml);

// Canonical CoT XML (no declaration): double-quoted attributes in a fixed order, shortest
// round-trip decimal numbers, times via AppendIso8601, detail children in the order contact,
// __group, precisionlocation, status, takv, track, remarks, link..., then other_xml verbatim.
// DecodeXml(WriteXml(e)) == e for every valid e whose other_xml is well-formed canonical XML.
void AppendXml(const Event& event, std::string& out);
std::string WriteXml(const Event& event);

// Detail children serialised as XML, without <detail>: `typed` selects which typed children
// are included (TAK xmlDetail takes only those its protobuf has no message for).
struct DetailXmlSelection {
  bool contact = true;
  bool group = true;
  bool precision_location = true;
  bool status = true;
  bool takv = true;
  bool track = true;
};
void AppendDetailChildren(const Detail& detail, const DetailXmlSelection& typed, std::string& out);

}  // namespace biac::formats::cot
