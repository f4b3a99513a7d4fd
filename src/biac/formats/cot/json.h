#pragma once

// JSON for `biac decode --format cot|takproto`: one object per event. Field names are the
// CoT XML names (event and point attributes; detail children by element name, "__group"
// included), so a CoT user reads them without a glossary:
//   {"uid", "type", "how", "version", "time", "start", "stale" (ISO 8601 strings),
//    "access", "caveat", "releasableTo", "qos", "opex" (when present),
//    "point": {"lat", "lon", "hae", "ce", "le"} (9999999 = unknown, as sent),
//    "detail": {"contact": {"callsign", "endpoint", "phone"}, "track": {"course", "speed",
//               "eCourse", "eSpeed"}, "__group": {"name", "role"}, "precisionlocation":
//               {"geopointsrc", "altsrc"}, "status": {"battery"}, "takv": {"device",
//               "platform", "os", "version"}, "remarks": {"text", "source", "to", "time"},
//               "link": [{"uid", "type", "relation", "parent_callsign", "production_time"}],
//               "xml": "<other children as XML>"},
//    "sidc": MIL-STD-2525B code (atoms only), "label": CAPCO banner (when marked) or
//    "label_error": why the marking gives no label}
// TAK protocol messages add "takControl": {"minProtoVersion", "maxProtoVersion",
// "contactUid"} and "submissionTime"/"creationTime" (ms) when present.

#include <nlohmann/json.hpp>

#include "biac/formats/cot/event.h"
#include "biac/formats/cot/takproto.h"

namespace biac::formats::cot {

nlohmann::json EventToJson(const Event& event);
nlohmann::json TakMessageToJson(const TakMessage& message);

}  // namespace biac::formats::cot
