#include "biac/formats/cot/xml.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <string>
#include <system_error>

#include "biac/formats/cot/iso8601.h"

namespace biac::formats::cot {
namespace {

// Element and attribute names, each written once (CoT Event schema 2.0; TAK detail XSDs).
constexpr const char* kEventElement = "event";
constexpr const char* kPointElement = "point";
constexpr const char* kDetailElement = "detail";
constexpr const char* kContactElement = "contact";
constexpr const char* kTrackElement = "track";
constexpr const char* kGroupElement = "__group";
constexpr const char* kPrecisionLocationElement = "precisionlocation";
constexpr const char* kStatusElement = "status";
constexpr const char* kTakvElement = "takv";
constexpr const char* kRemarksElement = "remarks";
constexpr const char* kLinkElement = "link";

constexpr double kMaxLatitude = 90.0;
constexpr double kMaxLongitude = 180.0;
// Detail children kept as XML are written recursively; deeper nesting is refused rather than
// risking the stack (TAK details nest a few levels: shape > link > Style > LineStyle).
constexpr int kMaxDetailDepth = 32;

// pugixml options: entity and character references, CDATA, end-of-line normalisation and
// attribute whitespace conversion (XML 1.0 section 3.3.3); no DOCTYPE processing. Text
// made only of white space is kept when it is an element's only child (a remark of " "),
// and dropped as layout between elements.
constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

Status AttributeError(std::string_view element, std::string_view attribute, std::string_view value,
                      std::string_view why) {
  return InvalidArgument(std::string(element) + ": attribute '" + std::string(attribute) + "' = '" +
                         std::string(value) + "': " + std::string(why));
}

Status Missing(std::string_view element, std::string_view attribute) {
  return InvalidArgument(std::string(element) + ": missing attribute '" + std::string(attribute) +
                         "'");
}

bool ParseDouble(std::string_view text, double& value) {
  if (text.empty()) return false;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (*first == '+') ++first;  // xs:decimal allows a leading plus
  const auto [ptr, ec] = std::from_chars(first, last, value);
  return ec == std::errc() && ptr == last && std::isfinite(value);
}

bool ParseUint32(std::string_view text, uint32_t& value) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::string ShortestDecimal(double value) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, ec == std::errc() ? static_cast<size_t>(ptr - buffer) : 0);
}

Result<double> NumberAttribute(const pugi::xml_node& node, const char* name, double min,
                               double max) {
  const pugi::xml_attribute attribute = node.attribute(name);
  if (!attribute) return Missing(node.name(), name);
  double value = 0.0;
  if (!ParseDouble(attribute.value(), value)) {
    return AttributeError(node.name(), name, attribute.value(), "not a decimal number");
  }
  if (value < min || value > max) {
    return AttributeError(
        node.name(), name, attribute.value(),
        "out of range [" + ShortestDecimal(min) + ", " + ShortestDecimal(max) + "]");
  }
  return value;
}

Result<Timestamp> TimeAttribute(const pugi::xml_node& node, const char* name) {
  const pugi::xml_attribute attribute = node.attribute(name);
  if (!attribute) return Missing(node.name(), name);
  Result<Timestamp> time = ParseIso8601(attribute.value());
  if (!time.ok()) {
    return AttributeError(node.name(), name, attribute.value(), time.error().message());
  }
  return time;
}

Status RequiredText(const pugi::xml_node& node, const char* name, std::string& out) {
  const pugi::xml_attribute attribute = node.attribute(name);
  if (!attribute) return Missing(node.name(), name);
  out.assign(attribute.value());
  if (out.empty()) return AttributeError(node.name(), name, "", "empty");
  for (const char c : out) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      return AttributeError(node.name(), name, out, "contains white space");
    }
  }
  return Status::Ok();
}

void OptionalText(const pugi::xml_node& node, const char* name, std::string& out) {
  out.assign(node.attribute(name).value());
}

// True if every attribute of `node` is one of `allowed` and every `required` one is present.
bool HasOnlyAttributes(const pugi::xml_node& node, std::initializer_list<const char*> required,
                       std::initializer_list<const char*> optional) {
  for (const char* name : required) {
    if (!node.attribute(name)) return false;
  }
  for (const pugi::xml_attribute& attribute : node.attributes()) {
    bool known = false;
    for (const char* name : required) known = known || std::strcmp(name, attribute.name()) == 0;
    for (const char* name : optional) known = known || std::strcmp(name, attribute.name()) == 0;
    if (!known) return false;
  }
  return true;
}

bool IsEmptyElement(const pugi::xml_node& node) { return !node.first_child(); }

// Each TryX returns true when `node` fits the typed model; the caller keeps it raw otherwise.
bool TryContact(const pugi::xml_node& node, Detail& detail) {
  if (detail.contact || !IsEmptyElement(node) ||
      !HasOnlyAttributes(node, {"callsign"}, {"endpoint", "phone"})) {
    return false;
  }
  Contact& contact = detail.contact.emplace();
  OptionalText(node, "callsign", contact.callsign);
  OptionalText(node, "endpoint", contact.endpoint);
  OptionalText(node, "phone", contact.phone);
  return true;
}

bool TryTrack(const pugi::xml_node& node, Detail& detail) {
  if (detail.track || !IsEmptyElement(node) ||
      !HasOnlyAttributes(node, {"course", "speed"}, {"eCourse", "eSpeed"})) {
    return false;
  }
  Track track;
  if (!ParseDouble(node.attribute("course").value(), track.course) ||
      !ParseDouble(node.attribute("speed").value(), track.speed)) {
    return false;
  }
  double error = 0.0;
  if (node.attribute("eCourse")) {
    if (!ParseDouble(node.attribute("eCourse").value(), error)) return false;
    track.course_error = error;
  }
  if (node.attribute("eSpeed")) {
    if (!ParseDouble(node.attribute("eSpeed").value(), error)) return false;
    track.speed_error = error;
  }
  detail.track = track;
  return true;
}

bool TryGroup(const pugi::xml_node& node, Detail& detail) {
  if (detail.group || !IsEmptyElement(node) || !HasOnlyAttributes(node, {"name", "role"}, {})) {
    return false;
  }
  detail.group.emplace(Group{node.attribute("name").value(), node.attribute("role").value()});
  return true;
}

bool TryPrecisionLocation(const pugi::xml_node& node, Detail& detail) {
  if (detail.precision_location || !IsEmptyElement(node) ||
      !HasOnlyAttributes(node, {"geopointsrc", "altsrc"}, {})) {
    return false;
  }
  detail.precision_location.emplace(
      PrecisionLocation{node.attribute("geopointsrc").value(), node.attribute("altsrc").value()});
  return true;
}

bool TryStatus(const pugi::xml_node& node, Detail& detail) {
  if (detail.status || !IsEmptyElement(node) || !HasOnlyAttributes(node, {"battery"}, {})) {
    return false;
  }
  uint32_t battery = 0;
  if (!ParseUint32(node.attribute("battery").value(), battery)) return false;
  detail.status.emplace(DeviceStatus{battery});
  return true;
}

bool TryTakv(const pugi::xml_node& node, Detail& detail) {
  if (detail.takv || !IsEmptyElement(node) ||
      !HasOnlyAttributes(node, {"device", "platform", "os", "version"}, {})) {
    return false;
  }
  detail.takv.emplace(Takv{node.attribute("device").value(), node.attribute("platform").value(),
                           node.attribute("os").value(), node.attribute("version").value()});
  return true;
}

bool TryRemarks(const pugi::xml_node& node, Detail& detail) {
  if (detail.remarks || !HasOnlyAttributes(node, {}, {"source", "to", "time"})) return false;
  const pugi::xml_node text = node.first_child();
  if (text && (text.next_sibling() ||
               (text.type() != pugi::node_pcdata && text.type() != pugi::node_cdata))) {
    return false;
  }
  Remarks& remarks = detail.remarks.emplace();
  remarks.text.assign(text ? text.value() : "");
  OptionalText(node, "source", remarks.source);
  OptionalText(node, "to", remarks.to);
  OptionalText(node, "time", remarks.time);
  return true;
}

bool TryLink(const pugi::xml_node& node, Detail& detail) {
  if (!IsEmptyElement(node) || !HasOnlyAttributes(node, {"uid", "type", "relation"},
                                                  {"parent_callsign", "production_time"})) {
    return false;
  }
  Link& link = detail.links.emplace_back();
  OptionalText(node, "uid", link.uid);
  OptionalText(node, "type", link.type);
  OptionalText(node, "relation", link.relation);
  OptionalText(node, "parent_callsign", link.parent_callsign);
  OptionalText(node, "production_time", link.production_time);
  return true;
}

bool AppendNode(const pugi::xml_node& node, int depth, std::string& out);

struct DetailChild {
  const char* name;
  bool (*parse)(const pugi::xml_node&, Detail&);
};

constexpr DetailChild kTypedChildren[] = {
    {kContactElement, TryContact}, {kTrackElement, TryTrack},
    {kGroupElement, TryGroup},     {kPrecisionLocationElement, TryPrecisionLocation},
    {kStatusElement, TryStatus},   {kTakvElement, TryTakv},
    {kRemarksElement, TryRemarks}, {kLinkElement, TryLink},
};

Status ReadDetailChildren(const pugi::xml_node& detail_node, Detail& detail) {
  for (const pugi::xml_node& child : detail_node.children()) {
    if (child.type() != pugi::node_element) continue;  // text between children is layout
    bool typed = false;
    for (const DetailChild& entry : kTypedChildren) {
      if (std::strcmp(child.name(), entry.name) == 0) {
        typed = entry.parse(child, detail);
        break;
      }
    }
    if (!typed && !AppendNode(child, 0, detail.other_xml)) {
      return InvalidArgument("detail: <" + std::string(child.name()) + "> is nested deeper than " +
                             std::to_string(kMaxDetailDepth) + " levels");
    }
  }
  return Status::Ok();
}

Status ParseFailure(const pugi::xml_parse_result& result) {
  return InvalidArgument("malformed XML at byte " + std::to_string(result.offset) + ": " +
                         result.description());
}

// --- writing ---

void AppendEscaped(std::string_view text, bool attribute, std::string& out) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        if (attribute) {
          out += "&quot;";
        } else {
          out += c;
        }
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          // Character reference, two decimal digits as pugixml writes them, so that line
          // breaks and tabs survive attribute-value normalisation, and text made only of
          // white space is not dropped as layout.
          const auto code = static_cast<unsigned>(static_cast<unsigned char>(c));
          out += "&#";
          out += static_cast<char>('0' + code / 10);
          out += static_cast<char>('0' + code % 10);
          out += ';';
        } else {
          out += c;
        }
    }
  }
}

void AppendAttribute(const char* name, std::string_view value, std::string& out) {
  out += ' ';
  out += name;
  out += "=\"";
  AppendEscaped(value, true, out);
  out += '"';
}

void AppendOptionalAttribute(const char* name, std::string_view value, std::string& out) {
  if (!value.empty()) AppendAttribute(name, value, out);
}

void AppendNumber(double value, std::string& out) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc() ? static_cast<size_t>(ptr - buffer) : 0);
}

void AppendNumberAttribute(const char* name, double value, std::string& out) {
  out += ' ';
  out += name;
  out += "=\"";
  AppendNumber(value, out);
  out += '"';
}

void AppendTimeAttribute(const char* name, Timestamp time, std::string& out) {
  out += ' ';
  out += name;
  out += "=\"";
  AppendIso8601(time, out);
  out += '"';
}

void OpenElement(const char* name, std::string& out) {
  out += '<';
  out += name;
}

void CloseEmptyElement(std::string& out) { out += " />"; }

// Canonical form of a detail child kept as XML: attributes in document order, double quotes,
// `<x a="1" />` for an empty element (the form of TAK's xmlDetail, e.g.
// `<uid Droid="Eliopoli HQ" />` in the takproto vectors), text escaped, comments and
// processing instructions dropped (pugixml does not keep them with parse_default).
bool AppendNode(const pugi::xml_node& node, int depth, std::string& out) {
  if (depth > kMaxDetailDepth) return false;
  switch (node.type()) {
    case pugi::node_element: {
      OpenElement(node.name(), out);
      for (const pugi::xml_attribute& attribute : node.attributes()) {
        AppendAttribute(attribute.name(), attribute.value(), out);
      }
      if (!node.first_child()) {
        CloseEmptyElement(out);
        return true;
      }
      out += '>';
      for (const pugi::xml_node& child : node.children()) {
        if (!AppendNode(child, depth + 1, out)) return false;
      }
      out += "</";
      out += node.name();
      out += '>';
      return true;
    }
    case pugi::node_pcdata:
    case pugi::node_cdata:
      AppendEscaped(node.value(), false, out);
      return true;
    default:
      return true;
  }
}

}  // namespace

Status XmlDecoder::Decode(std::string_view xml, Event& event) {
  buffer_.assign(xml);
  const pugi::xml_parse_result parsed = document_.load_buffer_inplace(
      buffer_.data(), buffer_.size(), kParseOptions, pugi::encoding_utf8);
  if (!parsed) return ParseFailure(parsed);
  pugi::xml_node root;
  int elements = 0;
  for (const pugi::xml_node& node : document_.children()) {
    if (node.type() != pugi::node_element) continue;
    ++elements;
    root = node;
  }
  if (elements != 1 || std::strcmp(root.name(), kEventElement) != 0) {
    return InvalidArgument("expected one <event> element as the document");
  }

  const std::string_view version = root.attribute("version").value();
  event.version.assign(version.empty() ? "2.0" : version);
  BIAC_RETURN_IF_ERROR(RequiredText(root, "uid", event.uid));
  BIAC_RETURN_IF_ERROR(RequiredText(root, "type", event.type));
  BIAC_RETURN_IF_ERROR(RequiredText(root, "how", event.how));
  BIAC_ASSIGN_OR_RETURN(event.time, TimeAttribute(root, "time"));
  BIAC_ASSIGN_OR_RETURN(event.start, TimeAttribute(root, "start"));
  BIAC_ASSIGN_OR_RETURN(event.stale, TimeAttribute(root, "stale"));
  if (event.stale < event.start) {
    return InvalidArgument("event: stale " + FormatIso8601(event.stale) + " is before start " +
                           FormatIso8601(event.start));
  }
  OptionalText(root, "access", event.access);
  OptionalText(root, "caveat", event.caveat);
  OptionalText(root, "releasableTo", event.releasable_to);
  OptionalText(root, "qos", event.qos);
  OptionalText(root, "opex", event.opex);

  const pugi::xml_node point = root.child(kPointElement);
  if (!point) return InvalidArgument("event: missing element <point>");
  BIAC_ASSIGN_OR_RETURN(event.point.lat,
                        NumberAttribute(point, "lat", -kMaxLatitude, kMaxLatitude));
  BIAC_ASSIGN_OR_RETURN(event.point.lon,
                        NumberAttribute(point, "lon", -kMaxLongitude, kMaxLongitude));
  BIAC_ASSIGN_OR_RETURN(event.point.hae,
                        NumberAttribute(point, "hae", -kUnknownValue, kUnknownValue));
  BIAC_ASSIGN_OR_RETURN(event.point.ce, NumberAttribute(point, "ce", 0.0, kUnknownValue));
  BIAC_ASSIGN_OR_RETURN(event.point.le, NumberAttribute(point, "le", 0.0, kUnknownValue));

  event.detail = Detail{};
  for (pugi::xml_node detail = root.child(kDetailElement); detail;
       detail = detail.next_sibling(kDetailElement)) {
    BIAC_RETURN_IF_ERROR(ReadDetailChildren(detail, event.detail));
  }
  return Status::Ok();
}

Status XmlDecoder::DecodeDetailChildren(std::string_view xml, Detail& detail) {
  buffer_.assign("<detail>");
  buffer_.append(xml);
  buffer_.append("</detail>");
  const pugi::xml_parse_result parsed = document_.load_buffer_inplace(
      buffer_.data(), buffer_.size(), kParseOptions, pugi::encoding_utf8);
  if (!parsed) return ParseFailure(parsed);
  const pugi::xml_node root = document_.first_child();
  if (!root || root.next_sibling() || std::strcmp(root.name(), kDetailElement) != 0) {
    return InvalidArgument("xmlDetail is not a sequence of elements");
  }
  return ReadDetailChildren(root, detail);
}

Result<Event> DecodeXml(std::string_view xml) {
  XmlDecoder decoder;
  Event event;
  BIAC_RETURN_IF_ERROR(decoder.Decode(xml, event));
  return event;
}

void AppendDetailChildren(const Detail& detail, const DetailXmlSelection& typed, std::string& out) {
  if (typed.contact && detail.contact) {
    OpenElement(kContactElement, out);
    AppendAttribute("callsign", detail.contact->callsign, out);
    AppendOptionalAttribute("endpoint", detail.contact->endpoint, out);
    AppendOptionalAttribute("phone", detail.contact->phone, out);
    CloseEmptyElement(out);
  }
  if (typed.group && detail.group) {
    OpenElement(kGroupElement, out);
    AppendAttribute("name", detail.group->name, out);
    AppendAttribute("role", detail.group->role, out);
    CloseEmptyElement(out);
  }
  if (typed.precision_location && detail.precision_location) {
    OpenElement(kPrecisionLocationElement, out);
    AppendAttribute("geopointsrc", detail.precision_location->geopointsrc, out);
    AppendAttribute("altsrc", detail.precision_location->altsrc, out);
    CloseEmptyElement(out);
  }
  if (typed.status && detail.status) {
    OpenElement(kStatusElement, out);
    AppendAttribute("battery", std::to_string(detail.status->battery), out);
    CloseEmptyElement(out);
  }
  if (typed.takv && detail.takv) {
    OpenElement(kTakvElement, out);
    AppendAttribute("device", detail.takv->device, out);
    AppendAttribute("platform", detail.takv->platform, out);
    AppendAttribute("os", detail.takv->os, out);
    AppendAttribute("version", detail.takv->version, out);
    CloseEmptyElement(out);
  }
  if (typed.track && detail.track) {
    OpenElement(kTrackElement, out);
    AppendNumberAttribute("course", detail.track->course, out);
    AppendNumberAttribute("speed", detail.track->speed, out);
    if (detail.track->course_error) {
      AppendNumberAttribute("eCourse", *detail.track->course_error, out);
    }
    if (detail.track->speed_error) {
      AppendNumberAttribute("eSpeed", *detail.track->speed_error, out);
    }
    CloseEmptyElement(out);
  }
  if (detail.remarks) {
    OpenElement(kRemarksElement, out);
    AppendOptionalAttribute("source", detail.remarks->source, out);
    AppendOptionalAttribute("to", detail.remarks->to, out);
    AppendOptionalAttribute("time", detail.remarks->time, out);
    if (detail.remarks->text.empty()) {
      CloseEmptyElement(out);
    } else {
      out += '>';
      AppendEscaped(detail.remarks->text, false, out);
      out += "</";
      out += kRemarksElement;
      out += '>';
    }
  }
  for (const Link& link : detail.links) {
    OpenElement(kLinkElement, out);
    AppendAttribute("uid", link.uid, out);
    AppendAttribute("type", link.type, out);
    AppendAttribute("relation", link.relation, out);
    AppendOptionalAttribute("parent_callsign", link.parent_callsign, out);
    AppendOptionalAttribute("production_time", link.production_time, out);
    CloseEmptyElement(out);
  }
  out += detail.other_xml;
}

void AppendXml(const Event& event, std::string& out) {
  OpenElement(kEventElement, out);
  AppendAttribute("version", event.version, out);
  AppendAttribute("uid", event.uid, out);
  AppendAttribute("type", event.type, out);
  AppendAttribute("how", event.how, out);
  AppendTimeAttribute("time", event.time, out);
  AppendTimeAttribute("start", event.start, out);
  AppendTimeAttribute("stale", event.stale, out);
  AppendOptionalAttribute("access", event.access, out);
  AppendOptionalAttribute("caveat", event.caveat, out);
  AppendOptionalAttribute("releasableTo", event.releasable_to, out);
  AppendOptionalAttribute("qos", event.qos, out);
  AppendOptionalAttribute("opex", event.opex, out);
  out += '>';
  OpenElement(kPointElement, out);
  AppendNumberAttribute("lat", event.point.lat, out);
  AppendNumberAttribute("lon", event.point.lon, out);
  AppendNumberAttribute("hae", event.point.hae, out);
  AppendNumberAttribute("ce", event.point.ce, out);
  AppendNumberAttribute("le", event.point.le, out);
  CloseEmptyElement(out);
  if (!event.detail.empty()) {
    out += "<detail>";
    AppendDetailChildren(event.detail, DetailXmlSelection{}, out);
    out += "</detail>";
  }
  out += "</event>";
}

std::string WriteXml(const Event& event) {
  std::string out;
  AppendXml(event, out);
  return out;
}

}  // namespace biac::formats::cot
