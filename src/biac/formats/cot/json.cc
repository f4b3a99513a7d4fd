#include "biac/formats/cot/json.h"

#include "biac/formats/cot/iso8601.h"
#include "biac/formats/cot/marking.h"
#include "biac/formats/cot/symbol.h"

namespace biac::formats::cot {
namespace {

void PutIfPresent(nlohmann::json& object, const char* name, std::string_view value) {
  if (!value.empty()) object[name] = value;
}

nlohmann::json DetailToJson(const Detail& detail) {
  nlohmann::json out = nlohmann::json::object();
  if (detail.contact) {
    nlohmann::json& c = out["contact"];
    c["callsign"] = detail.contact->callsign;
    PutIfPresent(c, "endpoint", detail.contact->endpoint);
    PutIfPresent(c, "phone", detail.contact->phone);
  }
  if (detail.track) {
    nlohmann::json& t = out["track"];
    t["course"] = detail.track->course;
    t["speed"] = detail.track->speed;
    if (detail.track->course_error) t["eCourse"] = *detail.track->course_error;
    if (detail.track->speed_error) t["eSpeed"] = *detail.track->speed_error;
  }
  if (detail.group) {
    out["__group"] = {{"name", detail.group->name}, {"role", detail.group->role}};
  }
  if (detail.precision_location) {
    out["precisionlocation"] = {{"geopointsrc", detail.precision_location->geopointsrc},
                                {"altsrc", detail.precision_location->altsrc}};
  }
  if (detail.status) out["status"] = {{"battery", detail.status->battery}};
  if (detail.takv) {
    out["takv"] = {{"device", detail.takv->device},
                   {"platform", detail.takv->platform},
                   {"os", detail.takv->os},
                   {"version", detail.takv->version}};
  }
  if (detail.remarks) {
    nlohmann::json& r = out["remarks"];
    r["text"] = detail.remarks->text;
    PutIfPresent(r, "source", detail.remarks->source);
    PutIfPresent(r, "to", detail.remarks->to);
    PutIfPresent(r, "time", detail.remarks->time);
  }
  if (!detail.links.empty()) {
    nlohmann::json& links = out["link"];
    links = nlohmann::json::array();
    for (const Link& link : detail.links) {
      nlohmann::json l = {{"uid", link.uid}, {"type", link.type}, {"relation", link.relation}};
      PutIfPresent(l, "parent_callsign", link.parent_callsign);
      PutIfPresent(l, "production_time", link.production_time);
      links.push_back(std::move(l));
    }
  }
  if (!detail.other_xml.empty()) out["xml"] = detail.other_xml;
  return out;
}

}  // namespace

nlohmann::json EventToJson(const Event& event) {
  nlohmann::json out = nlohmann::json::object();
  out["uid"] = event.uid;
  out["type"] = event.type;
  out["how"] = event.how;
  out["version"] = event.version;
  out["time"] = FormatIso8601(event.time);
  out["start"] = FormatIso8601(event.start);
  out["stale"] = FormatIso8601(event.stale);
  PutIfPresent(out, "access", event.access);
  PutIfPresent(out, "caveat", event.caveat);
  PutIfPresent(out, "releasableTo", event.releasable_to);
  PutIfPresent(out, "qos", event.qos);
  PutIfPresent(out, "opex", event.opex);
  out["point"] = {{"lat", event.point.lat},
                  {"lon", event.point.lon},
                  {"hae", event.point.hae},
                  {"ce", event.point.ce},
                  {"le", event.point.le}};
  out["detail"] = DetailToJson(event.detail);
  if (Result<std::string> sidc = CotTypeToSymbolCode(event.type); sidc.ok()) {
    out["sidc"] = *sidc;
  }
  Result<std::string> banner = CapcoBanner(event);
  if (!banner.ok()) {
    out["label_error"] = banner.error().message();
  } else if (!banner->empty()) {
    out["label"] = *banner;
  }
  return out;
}

nlohmann::json TakMessageToJson(const TakMessage& message) {
  nlohmann::json out =
      message.event ? EventToJson(*message.event) : nlohmann::json(nlohmann::json::object());
  if (message.control) {
    out["takControl"] = {{"minProtoVersion", message.control->min_proto_version},
                         {"maxProtoVersion", message.control->max_proto_version},
                         {"contactUid", message.control->contact_uid}};
  }
  if (message.submission_time_ms != 0) out["submissionTime"] = message.submission_time_ms;
  if (message.creation_time_ms != 0) out["creationTime"] = message.creation_time_ms;
  return out;
}

}  // namespace biac::formats::cot
