#include "biac/formats/cot/takproto.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "biac/formats/cot/proto/tak_protocol_v1.pb.h"
#include "biac/formats/cot/xml.h"

namespace biac::formats::cot {
namespace {

namespace pb = ::biac::formats::cot::takproto;

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr unsigned kVarintPayloadBits = 7;
constexpr uint8_t kVarintContinue = 0x80;
constexpr uint8_t kVarintPayloadMask = 0x7F;
constexpr size_t kMaxVarintBytes = 10;
constexpr size_t kMeshHeaderBytes = 3;  // 0xBF, version 1 (one varint byte), 0xBF
constexpr std::string_view kDefaultVersion = "2.0";

uint64_t ToMillis(Timestamp t) {
  const int64_t nanos = t.nanos();
  // Floor division: times before 1970 cannot be sent (uint64) and are clamped to 0.
  return nanos <= 0 ? 0 : static_cast<uint64_t>(nanos / kNanosPerMilli);
}

Result<Timestamp> FromMillis(uint64_t ms, const char* field) {
  constexpr uint64_t kMaxMillis =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / kNanosPerMilli);
  if (ms > kMaxMillis) {
    return InvalidArgument(std::string("cotEvent.") + field + " " + std::to_string(ms) +
                           " ms is out of range");
  }
  return Timestamp::FromNanos(static_cast<int64_t>(ms) * kNanosPerMilli);
}

void AppendVarint(uint64_t value, std::string& out) {
  while (value >= kVarintContinue) {
    out += static_cast<char>((value & kVarintPayloadMask) | kVarintContinue);
    value >>= kVarintPayloadBits;
  }
  out += static_cast<char>(value);
}

// Reads a varint at `pos`; returns the bytes used, 0 if incomplete, -1 if longer than 10.
int ReadVarint(std::span<const uint8_t> data, size_t pos, uint64_t& value) {
  value = 0;
  for (size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (pos + i >= data.size()) return 0;
    const uint8_t byte = data[pos + i];
    value |= static_cast<uint64_t>(byte & kVarintPayloadMask) << (kVarintPayloadBits * i);
    if ((byte & kVarintContinue) == 0) return static_cast<int>(i + 1);
  }
  return -1;
}

// Whether a detail child fits its protobuf message (detail.proto: all fields required
// except Contact.endpoint; attributes the message lacks force the whole element into
// xmlDetail).
bool ContactFitsMessage(const Contact& c) { return c.phone.empty(); }
bool TrackFitsMessage(const Track& t) { return !t.course_error && !t.speed_error; }

// Whether `xml` has an element called `name` (at any depth: a conservative test).
bool MentionsElement(std::string_view xml, std::string_view name) {
  for (size_t at = xml.find('<'); at != std::string_view::npos; at = xml.find('<', at + 1)) {
    if (xml.substr(at + 1, name.size()) != name) continue;
    const size_t after = at + 1 + name.size();
    if (after < xml.size() && (xml[after] == ' ' || xml[after] == '/' || xml[after] == '>' ||
                               xml[after] == '\t' || xml[after] == '\n' || xml[after] == '\r')) {
      return true;
    }
  }
  return false;
}

void FillDetail(const Detail& detail, pb::Detail& out) {
  // detail.proto sender rule 1: a child that appears more often than its message holds
  // (a second <status> kept in other_xml, say) goes into xmlDetail with its duplicates, and
  // the message is left empty.
  const std::string_view other = detail.other_xml;
  DetailXmlSelection in_xml;
  in_xml.contact =
      detail.contact && (!ContactFitsMessage(*detail.contact) || MentionsElement(other, "contact"));
  in_xml.track =
      detail.track && (!TrackFitsMessage(*detail.track) || MentionsElement(other, "track"));
  in_xml.group = detail.group && MentionsElement(other, "__group");
  in_xml.precision_location =
      detail.precision_location && MentionsElement(other, "precisionlocation");
  in_xml.status = detail.status && MentionsElement(other, "status");
  in_xml.takv = detail.takv && MentionsElement(other, "takv");
  std::string xml;
  AppendDetailChildren(detail, in_xml, xml);
  if (!xml.empty()) out.set_xmldetail(std::move(xml));
  if (detail.contact && !in_xml.contact) {
    out.mutable_contact()->set_endpoint(std::string(detail.contact->endpoint));
    out.mutable_contact()->set_callsign(std::string(detail.contact->callsign));
  }
  if (detail.group && !in_xml.group) {
    out.mutable_group()->set_name(std::string(detail.group->name));
    out.mutable_group()->set_role(std::string(detail.group->role));
  }
  if (detail.precision_location && !in_xml.precision_location) {
    out.mutable_precisionlocation()->set_geopointsrc(
        std::string(detail.precision_location->geopointsrc));
    out.mutable_precisionlocation()->set_altsrc(std::string(detail.precision_location->altsrc));
  }
  if (detail.status && !in_xml.status) out.mutable_status()->set_battery(detail.status->battery);
  if (detail.takv && !in_xml.takv) {
    pb::Takv& takv = *out.mutable_takv();
    takv.set_device(std::string(detail.takv->device));
    takv.set_platform(std::string(detail.takv->platform));
    takv.set_os(std::string(detail.takv->os));
    takv.set_version(std::string(detail.takv->version));
  }
  if (detail.track && !in_xml.track) {
    out.mutable_track()->set_speed(detail.track->speed);
    out.mutable_track()->set_course(detail.track->course);
  }
}

void FillEvent(const Event& event, pb::CotEvent& out) {
  out.set_type(std::string(event.type));
  out.set_access(std::string(event.access));
  out.set_qos(std::string(event.qos));
  out.set_opex(std::string(event.opex));
  out.set_uid(std::string(event.uid));
  out.set_sendtime(ToMillis(event.time));
  out.set_starttime(ToMillis(event.start));
  out.set_staletime(ToMillis(event.stale));
  out.set_how(std::string(event.how));
  out.set_lat(event.point.lat);
  out.set_lon(event.point.lon);
  out.set_hae(event.point.hae);
  out.set_ce(event.point.ce);
  out.set_le(event.point.le);
  if (!event.detail.empty()) FillDetail(event.detail, *out.mutable_detail());
  out.set_caveat(std::string(event.caveat));
  out.set_releaseableto(std::string(event.releasable_to));
}

Status ReadDetail(const pb::Detail& in, Detail& detail) {
  if (!in.xmldetail().empty()) {
    // One decoder per thread, so decoding a stream reuses its buffers.
    thread_local XmlDecoder decoder;
    Status status = decoder.DecodeDetailChildren(in.xmldetail(), detail);
    if (!status.ok()) {
      return InvalidArgument("cotEvent.detail.xmlDetail: " + status.message());
    }
  }
  // detail.proto: a child present in xmlDetail wins over its typed message.
  if (in.has_contact() && !detail.contact) {
    detail.contact = Contact{in.contact().callsign(), in.contact().endpoint(), {}};
  }
  if (in.has_group() && !detail.group) {
    detail.group = Group{in.group().name(), in.group().role()};
  }
  if (in.has_precisionlocation() && !detail.precision_location) {
    detail.precision_location =
        PrecisionLocation{in.precisionlocation().geopointsrc(), in.precisionlocation().altsrc()};
  }
  if (in.has_status() && !detail.status) detail.status = DeviceStatus{in.status().battery()};
  if (in.has_takv() && !detail.takv) {
    detail.takv =
        Takv{in.takv().device(), in.takv().platform(), in.takv().os(), in.takv().version()};
  }
  if (in.has_track() && !detail.track) {
    if (!std::isfinite(in.track().speed()) || !std::isfinite(in.track().course())) {
      return InvalidArgument("cotEvent.detail.track: speed or course is not a finite number");
    }
    Track track;
    track.speed = in.track().speed();
    track.course = in.track().course();
    detail.track = track;
  }
  return Status::Ok();
}

Result<Event> ReadEvent(const pb::CotEvent& in) {
  Event event;
  event.version = kDefaultVersion;
  event.type = in.type();
  event.access = in.access();
  event.qos = in.qos();
  event.opex = in.opex();
  event.uid = in.uid();
  event.how = in.how();
  event.caveat = in.caveat();
  event.releasable_to = in.releaseableto();
  if (event.uid.empty()) return InvalidArgument("cotEvent: uid is empty");
  if (event.type.empty()) return InvalidArgument("cotEvent: type is empty");
  BIAC_ASSIGN_OR_RETURN(event.time, FromMillis(in.sendtime(), "sendTime"));
  BIAC_ASSIGN_OR_RETURN(event.start, FromMillis(in.starttime(), "startTime"));
  BIAC_ASSIGN_OR_RETURN(event.stale, FromMillis(in.staletime(), "staleTime"));
  if (event.stale < event.start) {
    return InvalidArgument("cotEvent: staleTime " + std::to_string(in.staletime()) +
                           " is before startTime " + std::to_string(in.starttime()));
  }
  event.point = Point{in.lat(), in.lon(), in.hae(), in.ce(), in.le()};
  if (!(event.point.lat >= -90.0 && event.point.lat <= 90.0)) {
    return InvalidArgument("cotEvent: lat " + std::to_string(event.point.lat) +
                           " out of range [-90, 90]");
  }
  if (!(event.point.lon >= -180.0 && event.point.lon <= 180.0)) {
    return InvalidArgument("cotEvent: lon " + std::to_string(event.point.lon) +
                           " out of range [-180, 180]");
  }
  if (!(event.point.ce >= 0.0 && event.point.ce <= kUnknownValue) ||
      !(event.point.le >= 0.0 && event.point.le <= kUnknownValue) ||
      !(event.point.hae >= -kUnknownValue && event.point.hae <= kUnknownValue)) {
    return InvalidArgument("cotEvent: hae, ce or le out of range");
  }
  if (in.has_detail()) BIAC_RETURN_IF_ERROR(ReadDetail(in.detail(), event.detail));
  return event;
}

}  // namespace

Result<TakMessage> DecodeTakMessage(std::span<const uint8_t> payload) {
  if (payload.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return InvalidArgument("TakMessage too large");
  }
  pb::TakMessage message;
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return InvalidArgument("not a valid TakMessage protobuf (" + std::to_string(payload.size()) +
                           " bytes)");
  }
  TakMessage out;
  if (message.has_takcontrol()) {
    out.control =
        TakControl{message.takcontrol().minprotoversion(), message.takcontrol().maxprotoversion(),
                   message.takcontrol().contactuid()};
  }
  if (message.has_cotevent()) {
    // The event's text refers to `message` and to ReadDetail's decoder: keep a copy.
    BIAC_ASSIGN_OR_RETURN(const Event event, ReadEvent(message.cotevent()));
    out.event.emplace(event);
  }
  out.submission_time_ms = message.submissiontime();
  out.creation_time_ms = message.creationtime();
  return out;
}

namespace {

// A TakMessage with only a CotEvent, as TAK clients send situational awareness.
std::string EncodeEventMessage(const Event& event) {
  pb::TakMessage out;
  FillEvent(event, *out.mutable_cotevent());
  return out.SerializeAsString();
}

}  // namespace

std::string EncodeTakMessage(const TakMessage& message) {
  pb::TakMessage out;
  if (message.control) {
    out.mutable_takcontrol()->set_minprotoversion(message.control->min_proto_version);
    out.mutable_takcontrol()->set_maxprotoversion(message.control->max_proto_version);
    out.mutable_takcontrol()->set_contactuid(message.control->contact_uid);
  }
  if (message.event) FillEvent(*message.event, *out.mutable_cotevent());
  out.set_submissiontime(message.submission_time_ms);
  out.set_creationtime(message.creation_time_ms);
  return out.SerializeAsString();
}

Result<TakMessage> DecodeMesh(std::span<const uint8_t> datagram) {
  if (datagram.empty() || datagram[0] != kTakMagic) {
    return InvalidArgument("mesh: first byte is not the magic 0xBF");
  }
  uint64_t version = 0;
  const int used = ReadVarint(datagram, 1, version);
  if (used <= 0) return InvalidArgument("mesh: truncated or overlong version varint");
  const size_t magic_at = 1 + static_cast<size_t>(used);
  if (magic_at >= datagram.size() || datagram[magic_at] != kTakMagic) {
    return InvalidArgument("mesh: no magic 0xBF after the version");
  }
  if (version != kTakProtocolVersion) {
    return InvalidArgument("mesh: protocol version " + std::to_string(version) +
                           ", only version 1 is supported");
  }
  return DecodeTakMessage(datagram.subspan(magic_at + 1));
}

std::string EncodeMesh(const Event& event) {
  std::string out;
  out.reserve(kMeshHeaderBytes);
  out += static_cast<char>(kTakMagic);
  AppendVarint(kTakProtocolVersion, out);
  out += static_cast<char>(kTakMagic);
  out += EncodeEventMessage(event);
  return out;
}

std::string EncodeStream(const Event& event) {
  const std::string payload = EncodeEventMessage(event);
  std::string out;
  out += static_cast<char>(kTakMagic);
  AppendVarint(payload.size(), out);
  out += payload;
  return out;
}

void TakStreamFramer::Append(std::span<const uint8_t> bytes) {
  if (position_ > 0 && position_ >= buffer_.size() / 2) {
    buffer_.erase(0, position_);
    buffer_offset_ += position_;
    position_ = 0;
  }
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

bool TakStreamFramer::Next(Frame& frame) {
  const std::span<const uint8_t> data(reinterpret_cast<const uint8_t*>(buffer_.data()),
                                      buffer_.size());
  if (position_ >= data.size()) return false;
  frame.offset = buffer_offset_ + position_;
  frame.payload = {};
  frame.error.clear();
  if (data[position_] != kTakMagic) {
    // Resynchronise at the next magic byte (a payload may contain 0xBF too: its frame will
    // then most likely fail to parse and be reported as well). Skipped bytes are reported
    // once, when the next magic byte arrives (pending() holds them at the end of input).
    const void* next = std::memchr(data.data() + position_, kTakMagic, data.size() - position_);
    if (next == nullptr && data.size() - position_ <= max_message_bytes_) return false;
    const size_t end =
        next ? static_cast<size_t>(static_cast<const uint8_t*>(next) - data.data()) : data.size();
    frame.error = std::to_string(end - position_) + " bytes without the magic 0xBF skipped";
    position_ = end;
    return true;
  }
  uint64_t length = 0;
  const int used = ReadVarint(data, position_ + 1, length);
  if (used == 0) return false;
  if (used < 0 || length > max_message_bytes_) {
    frame.error = used < 0 ? "overlong length varint"
                           : "length " + std::to_string(length) + " exceeds the limit";
    ++position_;  // skip this magic byte; resynchronise on the next call
    return true;
  }
  const size_t start = position_ + 1 + static_cast<size_t>(used);
  if (data.size() - start < length) return false;
  frame.payload = data.subspan(start, static_cast<size_t>(length));
  position_ = start + static_cast<size_t>(length);
  return true;
}

}  // namespace biac::formats::cot
