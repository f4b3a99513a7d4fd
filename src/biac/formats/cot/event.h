#pragma once

// A Cursor-on-Target event as biac holds it: the attributes of <event> and <point> of the
// MITRE CoT Event schema 2.0 (Event-PUBLIC.xsd, MITRE Case #11-3895), and the children of
// <detail> that TAK devices send most (contact, track, __group, precisionlocation, status,
// takv, remarks, link). Every other child of <detail> is kept as XML text in
// Detail::other_xml, so nothing a producer sent is dropped.
//
// The same value comes out of the XML decoder (xml.h) and the TAK protocol decoder
// (takproto.h), and goes into both writers.

#include <cstdint>
#include <optional>
#include <string>
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

struct Contact {         // <contact callsign= endpoint= phone=>
  std::string callsign;  // required
  std::string endpoint;  // optional ("" = absent), e.g. "192.168.1.10:4242:tcp"
  std::string phone;     // optional; not in the TAK protobuf, so an element with a phone
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
  std::string name;
  std::string role;
  friend bool operator==(const Group&, const Group&) = default;
};

struct PrecisionLocation {  // <precisionlocation geopointsrc= altsrc=>
  std::string geopointsrc;
  std::string altsrc;
  friend bool operator==(const PrecisionLocation&, const PrecisionLocation&) = default;
};

struct DeviceStatus {    // <status battery=>
  uint32_t battery = 0;  // percent (any uint32 is kept, as the protobuf does)
  friend bool operator==(const DeviceStatus&, const DeviceStatus&) = default;
};

struct Takv {  // <takv device= platform= os= version=>
  std::string device;
  std::string platform;
  std::string os;
  std::string version;
  friend bool operator==(const Takv&, const Takv&) = default;
};

struct Remarks {  // <remarks source= to= time=>text</remarks>
  std::string text;
  std::string source;  // optional attributes ("" = absent)
  std::string to;
  std::string time;  // kept as written
  friend bool operator==(const Remarks&, const Remarks&) = default;
};

struct Link {                   // <link uid= type= relation= parent_callsign= production_time=>
  std::string uid;              // required
  std::string type;             // required
  std::string relation;         // required, e.g. "p-p" (parent-producer)
  std::string parent_callsign;  // optional
  std::string production_time;  // optional, kept as written
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
  std::string other_xml;

  bool empty() const {
    return !contact && !track && !group && !precision_location && !status && !takv && !remarks &&
           links.empty() && other_xml.empty();
  }
  friend bool operator==(const Detail&, const Detail&) = default;
};

struct Event {
  std::string version = "2.0";
  std::string uid;
  std::string type;  // e.g. "a-f-G-U-C" (atom, friend, ground, unit, combat)
  std::string how;   // e.g. "m-g" (machine, GPS), "h-e" (human entered)
  Timestamp time;    // when the event was generated
  Timestamp start;   // start of validity
  Timestamp stale;   // end of validity
  // Optional event attributes ("" = absent). access/caveat/releasableTo carry the
  // security marking (MIL-STD-6090 usage; TAK Server cotevent.proto fields 2, 16, 17).
  std::string access;
  std::string caveat;
  std::string releasable_to;
  std::string qos;
  std::string opex;
  Point point;
  Detail detail;

  friend bool operator==(const Event&, const Event&) = default;
};

}  // namespace biac::formats::cot
