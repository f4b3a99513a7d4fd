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
// XML safety: pugixml does not load external entities or DTDs, so external-entity attacks
// (XXE) and entity expansion do not apply.

#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "biac/base/status.h"
#include "biac/formats/cot/event.h"

namespace biac::formats::cot {

// Reusable decoder: keeps its parse buffer and document between calls, so decoding a stream
// does not reallocate per event once the buffers have grown (pugixml still takes one page
// for its tree per parse).
class XmlDecoder {
 public:
  // Decodes one event document (an XML declaration before it is allowed). On error `event`
  // is left in an unspecified state.
  Status Decode(std::string_view xml, Event& event);

  // Parses `xml`, the children of a <detail> element without the wrapper (TAK xmlDetail),
  // into `detail` (typed children and other_xml). Fields of `detail` the text does not
  // mention are left as they are.
  Status DecodeDetailChildren(std::string_view xml, Detail& detail);

 private:
  pugi::xml_document document_;
  std::string buffer_;
};

// One-shot convenience over XmlDecoder.
Result<Event> DecodeXml(std::string_view xml);

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
