#pragma once

// A Cursor-on-Target event as biac holds it: the attributes of <event> and <point> of the
// MITRE CoT Event schema 2.0 (Event-PUBLIC.xsd, MITRE Case #11-3895), and the children of
// <detail> that TAK devices send most (contact, track, __group, precisionlocation, status,
// takv, remarks, link). Every other child of <detail> is kept as XML text in
// Detail::other_xml, so nothing a producer sent is dropped.
//
// The same value comes out of the XML decoder (xml.h) and the TAK protocol decoder
// (takproto.h), and goes into both writers.
//
// Text fields are views, not owned strings, so that decoding allocates nothing per event
// (issue 3: no allocation on the hot path of the common messages). Who owns the bytes:
//   - an Event filled by XmlDecoder::Decode refers to the input text and to the decoder's
//     scratch buffers: it is valid while both live and until the decoder's next call;
//   - an OwnedEvent (below) holds its own copy of every string: use it to keep an event
//     beyond that (DecodeXml, TakMessage, tests).

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "biac/base/time.h"

namespace biac::formats::cot {

// CoT's "unknown" for hae, ce and le (Event-PUBLIC.xsd, point; TAK cotevent.proto comments).
inline constexpr double kUnknownValue = 9999999.0;

// <point>: WGS-84 degrees and metres. ce and le are 1-sigma errors (see docs/formats/cot.md).
struct Point {
  double lat = 0.0;
  double lon = 0.0;
  double hae = kUnknownValue;  // height above the WGS-84 ellipsoid
  double ce = kUnknownValue;   // circular (horizontal) error
  double le = kUnknownValue;   // linear (vertical) error

  bool hae_known() const { return hae != kUnknownValue; }
  bool ce_known() const { return ce != kUnknownValue; }
  bool le_known() const { return le != kUnknownValue; }
  friend bool operator==(const Point&, const Point&) = default;
};

// A detail child is held typed only when it carries exactly the attributes modelled below
// (required ones present, no others, no child elements or text); otherwise the whole element
// stays in Detail::other_xml. This is the rule of TAK's detail.proto ("whole elements must
// be converted to messages ... instead, omit the message and put the entire element in
// xmlDetail"), applied to the XML model too so that both decoders agree.

struct Contact {              // <contact callsign= endpoint= phone=>
  std::string_view callsign;  // required
  std::string_view endpoint;  // optional ("" = absent), e.g. "192.168.1.10:4242:tcp"
  std::string_view phone;     // optional; not in the TAK protobuf, so an element with a phone
                              // travels in xmlDetail
  friend bool operator==(const Contact&, const Contact&) = default;
};

struct Track {                         // <track course= speed=> (CoT track sub-schema)
  double course = 0.0;                 // degrees clockwise from true north
  double speed = 0.0;                  // metres per second
  std::optional<double> course_error;  // eCourse, 1-sigma degrees (not in the protobuf)
  std::optional<double> speed_error;   // eSpeed, 1-sigma m/s (not in the protobuf)
  friend bool operator==(const Track&, const Track&) = default;
};

struct Group {  // <__group name= role=>
  std::string_view name;
  std::string_view role;
  friend bool operator==(const Group&, const Group&) = default;
};

struct PrecisionLocation {  // <precisionlocation geopointsrc= altsrc=>
  std::string_view geopointsrc;
  std::string_view altsrc;
  friend bool operator==(const PrecisionLocation&, const PrecisionLocation&) = default;
};

struct DeviceStatus {    // <status battery=>
  uint32_t battery = 0;  // percent (any uint32 is kept, as the protobuf does)
  friend bool operator==(const DeviceStatus&, const DeviceStatus&) = default;
};

struct Takv {  // <takv device= platform= os= version=>
  std::string_view device;
  std::string_view platform;
  std::string_view os;
  std::string_view version;
  friend bool operator==(const Takv&, const Takv&) = default;
};

struct Remarks {  // <remarks source= to= time=>text</remarks>
  std::string_view text;
  std::string_view source;  // optional attributes ("" = absent)
  std::string_view to;
  std::string_view time;  // kept as written
  friend bool operator==(const Remarks&, const Remarks&) = default;
};

struct Link {                 // <link uid= type= relation= parent_callsign= production_time=>
  std::string_view uid;       // required
  std::string_view type;      // required
  std::string_view relation;  // required, e.g. "p-p" (parent-producer)
  std::string_view parent_callsign;  // optional
  std::string_view production_time;  // optional, kept as written
  friend bool operator==(const Link&, const Link&) = default;
};

struct Detail {
  std::optional<Contact> contact;
  std::optional<Track> track;
  std::optional<Group> group;
  std::optional<PrecisionLocation> precision_location;
  std::optional<DeviceStatus> status;
  std::optional<Takv> takv;
  std::optional<Remarks> remarks;
  std::vector<Link> links;
  // Every other child of <detail>, each serialised canonically (pugixml raw form: attributes
  // in document order, double quotes, empty elements as `<x a="1" />`), concatenated.
  std::string_view other_xml;

  // Empties every field but keeps the capacity of `links`, so that a Detail reused from
  // event to event does not allocate once it has held the most links it will see.
  void Clear();

  bool empty() const {
    return !contact && !track && !group && !precision_location && !status && !takv && !remarks &&
           links.empty() && other_xml.empty();
  }
  friend bool operator==(const Detail&, const Detail&) = default;
};

struct Event {
  std::string_view version = "2.0";
  std::string_view uid;
  std::string_view type;  // e.g. "a-f-G-U-C" (atom, friend, ground, unit, combat)
  std::string_view how;   // e.g. "m-g" (machine, GPS), "h-e" (human entered)
  Timestamp time;         // when the event was generated
  Timestamp start;        // start of validity
  Timestamp stale;        // end of validity
  // Optional event attributes ("" = absent). access/caveat/releasableTo carry the
  // security marking (MIL-STD-6090 usage; TAK Server cotevent.proto fields 2, 16, 17).
  std::string_view access;
  std::string_view caveat;
  std::string_view releasable_to;
  std::string_view qos;
  std::string_view opex;
  Point point;
  Detail detail;

  friend bool operator==(const Event&, const Event&) = default;
};

// An Event that owns its text: constructing or copying one copies every string the event
// refers to into the OwnedEvent's own storage, so it outlives the buffers it was decoded
// from. Moving keeps the storage (its blocks never move), so views stay valid; a moved-from
// OwnedEvent is an empty Event. Slicing to Event gives views into this object's storage.
// Not for the hot path: it allocates.
class OwnedEvent : public Event {
 public:
  OwnedEvent() = default;
  explicit OwnedEvent(const Event& event);
  OwnedEvent(const OwnedEvent& other) : OwnedEvent(static_cast<const Event&>(other)) {}
  OwnedEvent(OwnedEvent&& other) noexcept;
  OwnedEvent& operator=(const OwnedEvent& other);
  OwnedEvent& operator=(OwnedEvent&& other) noexcept;
  OwnedEvent& operator=(const Event& event);
  ~OwnedEvent() = default;

  // Copies `text` into this event's storage; the view is valid as long as this event.
  std::string_view Keep(std::string_view text);

 private:
  std::vector<std::unique_ptr<char[]>> storage_;
};

}  // namespace biac::formats::cot
