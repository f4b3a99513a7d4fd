#include "biac/formats/cot/xml.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <system_error>

#include "biac/base/xml.h"
#include "biac/formats/cot/iso8601.h"

namespace biac::formats::cot {
namespace {

// Element and attribute names, each written once (CoT Event schema 2.0; TAK detail XSDs).
constexpr std::string_view kEventElement = "event";
constexpr std::string_view kPointElement = "point";
constexpr std::string_view kDetailElement = "detail";
constexpr std::string_view kContactElement = "contact";
constexpr std::string_view kTrackElement = "track";
constexpr std::string_view kGroupElement = "__group";
constexpr std::string_view kPrecisionLocationElement = "precisionlocation";
constexpr std::string_view kStatusElement = "status";
constexpr std::string_view kTakvElement = "takv";
constexpr std::string_view kRemarksElement = "remarks";
constexpr std::string_view kLinkElement = "link";

constexpr std::string_view kDefaultVersion = "2.0";  // Event-PUBLIC.xsd: version defaults

constexpr double kMaxLatitude = 90.0;
constexpr double kMaxLongitude = 180.0;
// Detail children kept as XML are written recursively; deeper nesting is refused rather than
// risking the stack (TAK details nest a few levels: shape > link > Style > LineStyle).
constexpr int kMaxDetailDepth = 32;

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

// --- writing ---

// Every byte of the event's text comes back through DecodeXml (a round trip of any decoded
// event, protobuf ones included), so bytes pass through; C0 controls as references, as
// pugixml writes them (base/xml.h).
void AppendEscaped(std::string_view text, bool attribute, std::string& out) {
  AppendXmlEscaped(out, text, attribute ? XmlPlace::kAttribute : XmlPlace::kText,
                   XmlNonCharacters::kPassThrough);
}

void AppendAttribute(std::string_view name, std::string_view value, std::string& out) {
  out += ' ';
  out += name;
  out += "=\"";
  AppendEscaped(value, true, out);
  out += '"';
}

void AppendOptionalAttribute(std::string_view name, std::string_view value, std::string& out) {
  if (!value.empty()) AppendAttribute(name, value, out);
}

void AppendNumber(double value, std::string& out) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc() ? static_cast<size_t>(ptr - buffer) : 0);
}

void AppendNumberAttribute(std::string_view name, double value, std::string& out) {
  out += ' ';
  out += name;
  out += "=\"";
  AppendNumber(value, out);
  out += '"';
}

void AppendTimeAttribute(std::string_view name, Timestamp time, std::string& out) {
  out += ' ';
  out += name;
  out += "=\"";
  AppendIso8601(time, out);
  out += '"';
}

void OpenElement(std::string_view name, std::string& out) {
  out += '<';
  out += name;
}

void CloseEmptyElement(std::string& out) { out += " />"; }

// --- reading: the CoT rules, written once over either parser's tree ---
//
// A Node is a light handle on an element or text node of a parsed document, with
//   explicit operator bool, IsElement(), IsText(), Name(), Value() (a text node's text),
//   Attribute(name) -> std::optional<std::string_view> (the first attribute so named),
//   ForEachAttribute(f(name, value)), FirstChild(), NextSibling().
// PugiNode wraps pugixml's tree, SubsetNodeRef the subset parser's.

class PugiNode {
 public:
  explicit PugiNode(pugi::xml_node node) : node_(node) {}
  explicit operator bool() const { return static_cast<bool>(node_); }
  bool IsElement() const { return node_.type() == pugi::node_element; }
  bool IsText() const {
    return node_.type() == pugi::node_pcdata || node_.type() == pugi::node_cdata;
  }
  std::string_view Name() const { return node_.name(); }
  std::string_view Value() const { return node_.value(); }
  std::optional<std::string_view> Attribute(std::string_view name) const {
    for (pugi::xml_attribute a = node_.first_attribute(); a; a = a.next_attribute()) {
      // Compared in place: pugixml's names are NUL-terminated, and `name` has no NUL.
      const char* candidate = a.name();
      if (std::strncmp(candidate, name.data(), name.size()) == 0 &&
          candidate[name.size()] == '\0') {
        return std::string_view(a.value());
      }
    }
    return std::nullopt;
  }
  template <typename F>
  void ForEachAttribute(F&& f) const {
    for (pugi::xml_attribute a = node_.first_attribute(); a; a = a.next_attribute()) {
      f(std::string_view(a.name()), std::string_view(a.value()));
    }
  }
  PugiNode FirstChild() const { return PugiNode(node_.first_child()); }
  PugiNode NextSibling() const { return PugiNode(node_.next_sibling()); }

 private:
  pugi::xml_node node_;
};

class SubsetNodeRef {
 public:
  SubsetNodeRef(const internal::SubsetParser& document, int32_t index)
      : document_(&document), index_(index) {}
  explicit operator bool() const { return index_ != internal::kNoNode; }
  bool IsElement() const { return node().element; }
  bool IsText() const { return !node().element; }
  std::string_view Name() const { return node().name; }
  std::string_view Value() const { return node().text; }
  std::optional<std::string_view> Attribute(std::string_view name) const {
    const internal::SubsetNode& n = node();
    for (uint32_t k = 0; k < n.attribute_count; ++k) {
      const internal::SubsetAttribute& attribute = document_->attribute(n.first_attribute + k);
      if (attribute.name == name) return attribute.value;
    }
    return std::nullopt;
  }
  template <typename F>
  void ForEachAttribute(F&& f) const {
    const internal::SubsetNode& n = node();
    for (uint32_t k = 0; k < n.attribute_count; ++k) {
      const internal::SubsetAttribute& attribute = document_->attribute(n.first_attribute + k);
      f(attribute.name, attribute.value);
    }
  }
  SubsetNodeRef FirstChild() const { return {*document_, node().first_child}; }
  SubsetNodeRef NextSibling() const { return {*document_, node().next_sibling}; }

 private:
  const internal::SubsetNode& node() const { return document_->node(index_); }
  const internal::SubsetParser* document_;
  int32_t index_;
};

// `node` or the first of its following siblings that is an element called `name` (a null
// node if there is none).
template <typename Node>
Node NextElementNamed(Node node, std::string_view name) {
  for (; node; node = node.NextSibling()) {
    if (node.IsElement() && node.Name() == name) return node;
  }
  return node;
}

template <typename Node>
Result<double> NumberAttribute(const Node& node, std::string_view name, double min, double max) {
  const std::optional<std::string_view> text = node.Attribute(name);
  if (!text) return Missing(node.Name(), name);
  double value = 0.0;
  if (!ParseDouble(*text, value)) {
    return AttributeError(node.Name(), name, *text, "not a decimal number");
  }
  if (value < min || value > max) {
    return AttributeError(
        node.Name(), name, *text,
        "out of range [" + ShortestDecimal(min) + ", " + ShortestDecimal(max) + "]");
  }
  return value;
}

template <typename Node>
Result<Timestamp> TimeAttribute(const Node& node, std::string_view name) {
  const std::optional<std::string_view> text = node.Attribute(name);
  if (!text) return Missing(node.Name(), name);
  Result<Timestamp> time = ParseIso8601(*text);
  if (!time.ok()) return AttributeError(node.Name(), name, *text, time.error().message());
  return time;
}

template <typename Node>
Status RequiredText(const Node& node, std::string_view name, std::string_view& out) {
  const std::optional<std::string_view> text = node.Attribute(name);
  if (!text) return Missing(node.Name(), name);
  if (text->empty()) return AttributeError(node.Name(), name, "", "empty");
  for (const char c : *text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      return AttributeError(node.Name(), name, *text, "contains white space");
    }
  }
  out = *text;
  return Status::Ok();
}

// An absent attribute reads as "".
template <typename Node>
std::string_view OptionalText(const Node& node, std::string_view name) {
  return node.Attribute(name).value_or(std::string_view());
}

// True if every attribute of `node` is one of `allowed` and every `required` one is present.
template <typename Node>
bool HasOnlyAttributes(const Node& node, std::initializer_list<std::string_view> required,
                       std::initializer_list<std::string_view> optional) {
  for (const std::string_view name : required) {
    if (!node.Attribute(name)) return false;
  }
  bool all_known = true;
  node.ForEachAttribute([&](std::string_view name, std::string_view) {
    bool known = false;
    for (const std::string_view r : required) known = known || r == name;
    for (const std::string_view o : optional) known = known || o == name;
    all_known = all_known && known;
  });
  return all_known;
}

template <typename Node>
bool IsEmptyElement(const Node& node) {
  return !node.FirstChild();
}

// Each TryX returns true when `node` fits the typed model; the caller keeps it raw otherwise.
template <typename Node>
bool TryContact(const Node& node, Detail& detail) {
  if (detail.contact || !IsEmptyElement(node) ||
      !HasOnlyAttributes(node, {"callsign"}, {"endpoint", "phone"})) {
    return false;
  }
  detail.contact.emplace(Contact{OptionalText(node, "callsign"), OptionalText(node, "endpoint"),
                                 OptionalText(node, "phone")});
  return true;
}

template <typename Node>
bool TryTrack(const Node& node, Detail& detail) {
  if (detail.track || !IsEmptyElement(node) ||
      !HasOnlyAttributes(node, {"course", "speed"}, {"eCourse", "eSpeed"})) {
    return false;
  }
  Track track;
  if (!ParseDouble(OptionalText(node, "course"), track.course) ||
      !ParseDouble(OptionalText(node, "speed"), track.speed)) {
    return false;
  }
  double error = 0.0;
  if (const std::optional<std::string_view> e = node.Attribute("eCourse")) {
    if (!ParseDouble(*e, error)) return false;
    track.course_error = error;
  }
  if (const std::optional<std::string_view> e = node.Attribute("eSpeed")) {
    if (!ParseDouble(*e, error)) return false;
    track.speed_error = error;
  }
  detail.track = track;
  return true;
}

template <typename Node>
bool TryGroup(const Node& node, Detail& detail) {
  if (detail.group || !IsEmptyElement(node) || !HasOnlyAttributes(node, {"name", "role"}, {})) {
    return false;
  }
  detail.group.emplace(Group{OptionalText(node, "name"), OptionalText(node, "role")});
  return true;
}

template <typename Node>
bool TryPrecisionLocation(const Node& node, Detail& detail) {
  if (detail.precision_location || !IsEmptyElement(node) ||
      !HasOnlyAttributes(node, {"geopointsrc", "altsrc"}, {})) {
    return false;
  }
  detail.precision_location.emplace(
      PrecisionLocation{OptionalText(node, "geopointsrc"), OptionalText(node, "altsrc")});
  return true;
}

template <typename Node>
bool TryStatus(const Node& node, Detail& detail) {
  if (detail.status || !IsEmptyElement(node) || !HasOnlyAttributes(node, {"battery"}, {})) {
    return false;
  }
  uint32_t battery = 0;
  if (!ParseUint32(OptionalText(node, "battery"), battery)) return false;
  detail.status.emplace(DeviceStatus{battery});
  return true;
}

template <typename Node>
bool TryTakv(const Node& node, Detail& detail) {
  if (detail.takv || !IsEmptyElement(node) ||
      !HasOnlyAttributes(node, {"device", "platform", "os", "version"}, {})) {
    return false;
  }
  detail.takv.emplace(Takv{OptionalText(node, "device"), OptionalText(node, "platform"),
                           OptionalText(node, "os"), OptionalText(node, "version")});
  return true;
}

template <typename Node>
bool TryRemarks(const Node& node, Detail& detail) {
  if (detail.remarks || !HasOnlyAttributes(node, {}, {"source", "to", "time"})) return false;
  const Node text = node.FirstChild();
  if (text && (text.NextSibling() || !text.IsText())) return false;
  detail.remarks.emplace(Remarks{text ? text.Value() : std::string_view(),
                                 OptionalText(node, "source"), OptionalText(node, "to"),
                                 OptionalText(node, "time")});
  return true;
}

template <typename Node>
bool TryLink(const Node& node, Detail& detail) {
  if (!IsEmptyElement(node) || !HasOnlyAttributes(node, {"uid", "type", "relation"},
                                                  {"parent_callsign", "production_time"})) {
    return false;
  }
  detail.links.push_back(Link{OptionalText(node, "uid"), OptionalText(node, "type"),
                              OptionalText(node, "relation"), OptionalText(node, "parent_callsign"),
                              OptionalText(node, "production_time")});
  return true;
}

// Canonical form of a detail child kept as XML: attributes in document order, double quotes,
// `<x a="1" />` for an empty element (the form of TAK's xmlDetail, e.g.
// `<uid Droid="Eliopoli HQ" />` in the takproto vectors), text escaped, comments and
// processing instructions dropped (pugixml does not keep them with parse_default, and the
// subset parser declines them).
template <typename Node>
bool AppendNode(const Node& node, int depth, std::string& out) {
  if (depth > kMaxDetailDepth) return false;
  if (node.IsText()) {
    AppendEscaped(node.Value(), false, out);
    return true;
  }
  if (!node.IsElement()) return true;
  OpenElement(node.Name(), out);
  node.ForEachAttribute(
      [&out](std::string_view name, std::string_view value) { AppendAttribute(name, value, out); });
  if (!node.FirstChild()) {
    CloseEmptyElement(out);
    return true;
  }
  out += '>';
  for (Node child = node.FirstChild(); child; child = child.NextSibling()) {
    if (!AppendNode(child, depth + 1, out)) return false;
  }
  out += "</";
  out += node.Name();
  out += '>';
  return true;
}

template <typename Node>
using TryChild = bool (*)(const Node&, Detail&);

template <typename Node>
struct DetailChild {
  std::string_view name;
  TryChild<Node> parse;
};

template <typename Node>
constexpr DetailChild<Node> kTypedChildren[] = {
    {kContactElement, TryContact<Node>}, {kTrackElement, TryTrack<Node>},
    {kGroupElement, TryGroup<Node>},     {kPrecisionLocationElement, TryPrecisionLocation<Node>},
    {kStatusElement, TryStatus<Node>},   {kTakvElement, TryTakv<Node>},
    {kRemarksElement, TryRemarks<Node>}, {kLinkElement, TryLink<Node>},
};

// Typed children into `detail`, every other child appended to `other_xml`.
template <typename Node>
Status ReadDetailChildren(const Node& detail_node, Detail& detail, std::string& other_xml) {
  for (Node child = detail_node.FirstChild(); child; child = child.NextSibling()) {
    if (!child.IsElement()) continue;  // text between children is layout
    bool typed = false;
    for (const DetailChild<Node>& entry : kTypedChildren<Node>) {
      if (child.Name() == entry.name) {
        typed = entry.parse(child, detail);
        break;
      }
    }
    if (!typed && !AppendNode(child, 0, other_xml)) {
      return InvalidArgument("detail: <" + std::string(child.Name()) + "> is nested deeper than " +
                             std::to_string(kMaxDetailDepth) + " levels");
    }
  }
  return Status::Ok();
}

// The <event> element `root` into `event`; other detail children are written to
// `other_xml`, which the caller owns and event.detail.other_xml then views.
template <typename Node>
Status ReadEvent(const Node& root, Event& event, std::string& other_xml) {
  if (root.Name() != kEventElement) {
    return InvalidArgument("expected one <event> element as the document");
  }
  const std::string_view version = OptionalText(root, "version");
  event.version = version.empty() ? kDefaultVersion : version;
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
  event.access = OptionalText(root, "access");
  event.caveat = OptionalText(root, "caveat");
  event.releasable_to = OptionalText(root, "releasableTo");
  event.qos = OptionalText(root, "qos");
  event.opex = OptionalText(root, "opex");

  const Node point = NextElementNamed(root.FirstChild(), kPointElement);
  if (!point) return InvalidArgument("event: missing element <point>");
  BIAC_ASSIGN_OR_RETURN(event.point.lat,
                        NumberAttribute(point, "lat", -kMaxLatitude, kMaxLatitude));
  BIAC_ASSIGN_OR_RETURN(event.point.lon,
                        NumberAttribute(point, "lon", -kMaxLongitude, kMaxLongitude));
  BIAC_ASSIGN_OR_RETURN(event.point.hae,
                        NumberAttribute(point, "hae", -kUnknownValue, kUnknownValue));
  BIAC_ASSIGN_OR_RETURN(event.point.ce, NumberAttribute(point, "ce", 0.0, kUnknownValue));
  BIAC_ASSIGN_OR_RETURN(event.point.le, NumberAttribute(point, "le", 0.0, kUnknownValue));

  event.detail.Clear();
  other_xml.clear();
  for (Node detail = NextElementNamed(root.FirstChild(), kDetailElement); detail;
       detail = NextElementNamed(detail.NextSibling(), kDetailElement)) {
    BIAC_RETURN_IF_ERROR(ReadDetailChildren(detail, event.detail, other_xml));
  }
  event.detail.other_xml = other_xml;
  return Status::Ok();
}

Status ParseFailure(const pugi::xml_parse_result& result) {
  return InvalidArgument("malformed XML at byte " + std::to_string(result.offset) + ": " +
                         result.description());
}

}  // namespace

Status XmlDecoder::Decode(std::string_view xml, Event& event) {
  if (subset_.Parse(xml) &&
      ReadEvent(SubsetNodeRef(subset_, subset_.root()), event, other_xml_).ok()) {
    last_parser_ = Parser::kSubset;
    return Status::Ok();
  }
  // Outside the subset, or not a valid event: pugixml decides, and words any error.
  last_parser_ = Parser::kPugixml;
  return DecodeWithPugixml(xml, event);
}

Status XmlDecoder::DecodeWithPugixml(std::string_view xml, Event& event) {
  buffer_.assign(xml);
  const pugi::xml_parse_result parsed = document_.load_buffer_inplace(
      buffer_.data(), buffer_.size(), kPugixmlOptions, pugi::encoding_utf8);
  if (!parsed) return ParseFailure(parsed);
  pugi::xml_node root;
  int elements = 0;
  for (const pugi::xml_node& node : document_.children()) {
    if (node.type() != pugi::node_element) continue;
    ++elements;
    root = node;
  }
  if (elements != 1) return InvalidArgument("expected one <event> element as the document");
  return ReadEvent(PugiNode(root), event, other_xml_);
}

Status XmlDecoder::DecodeDetailChildren(std::string_view xml, Detail& detail) {
  buffer_.assign("<detail>");
  buffer_.append(xml);
  buffer_.append("</detail>");
  const pugi::xml_parse_result parsed = document_.load_buffer_inplace(
      buffer_.data(), buffer_.size(), kPugixmlOptions, pugi::encoding_utf8);
  if (!parsed) return ParseFailure(parsed);
  const pugi::xml_node root = document_.first_child();
  if (!root || root.next_sibling() || std::string_view(root.name()) != kDetailElement) {
    return InvalidArgument("xmlDetail is not a sequence of elements");
  }
  other_xml_.clear();
  BIAC_RETURN_IF_ERROR(ReadDetailChildren(PugiNode(root), detail, other_xml_));
  detail.other_xml = other_xml_;
  return Status::Ok();
}

Result<OwnedEvent> DecodeXml(std::string_view xml) {
  XmlDecoder decoder;
  Event event;
  BIAC_RETURN_IF_ERROR(decoder.Decode(xml, event));
  return OwnedEvent(event);
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
