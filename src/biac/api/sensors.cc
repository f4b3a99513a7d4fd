#include "biac/api/sensors.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace biac::api {

namespace {

using Json = nlohmann::json;

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr double kDefaultWindowS = 60.0;
constexpr double kMaxWindowS = 3600.0;  // SensorBoardOptions::detection_keep
constexpr int kCorners = 4;

// The KLV mapping's point names (formats/klv/observations.h): identity.uid is
// "<platform uid>:<suffix>", identity.category the kind of point.
constexpr std::string_view kFrameCenter = "frame_center";
constexpr std::string_view kCornerPrefix = "corner_";

int64_t Millis(Timestamp t) { return t.nanos() / kNanosPerMilli; }

SensorPoint PointOf(const model::Observation& o) {
  SensorPoint p{o.position.latitude_deg, o.position.longitude_deg, std::nullopt};
  if (o.has_altitude) p.altitude_m = o.position.altitude_m;
  return p;
}

// The platform uid and the point's suffix from "<uid>:<suffix>" (a uid without ':' is a
// point of a platform without a uid: the whole text is the suffix).
std::pair<std::string, std::string_view> SplitPointUid(const std::string& uid) {
  const size_t colon = uid.rfind(':');
  if (colon == std::string::npos) return {std::string(), std::string_view(uid)};
  return {uid.substr(0, colon), std::string_view(uid).substr(colon + 1)};
}

// Which of the footprint's points the suffix names: -1 the frame centre, 0-3 a corner, else
// nullopt.
std::optional<int> PointIndex(std::string_view suffix) {
  if (suffix == kFrameCenter) return -1;
  if (!suffix.starts_with(kCornerPrefix)) return std::nullopt;
  suffix.remove_prefix(kCornerPrefix.size());
  int n = 0;
  const auto [ptr, ec] = std::from_chars(suffix.data(), suffix.data() + suffix.size(), n);
  if (ec != std::errc() || ptr != suffix.data() + suffix.size() || n < 1 || n > kCorners) {
    return std::nullopt;
  }
  return n - 1;
}

void MergeLabel(labels::Label& into, std::string& text, const labels::Label& label, bool first) {
  into = first ? label : labels::Rollup(into, label);
  text = labels::Render(into);
}

Json PointJson(const SensorPoint& p) {
  Json j{{"lat", p.latitude_deg}, {"lon", p.longitude_deg}};
  if (p.altitude_m) j["alt"] = *p.altitude_m;
  return j;
}

bool Relevant(const model::Observation& o) {
  if (o.source_kind == model::SourceKind::kKlv) {
    return o.kind == model::ObservationKind::kSensorPoint ||
           o.kind == model::ObservationKind::kSelfReport;
  }
  return o.source_kind == model::SourceKind::kGmti && o.kind == model::ObservationKind::kDetection;
}

}  // namespace

SensorBoard::SensorBoard(SensorBoardOptions options) : options_(options) {}

SensorFootprint* SensorBoard::Current(const model::Observation& o, const std::string& platform_uid,
                                      Timestamp arrival) {
  Key key{o.source, o.sensor, platform_uid};
  auto it = footprints_.find(key);
  if (it != footprints_.end()) {
    SensorFootprint& f = it->second;
    if (o.time < f.time) return nullptr;  // a late packet: the newer footprint stays
    if (o.time == f.time) return &f;
  } else if (footprints_.size() >= options_.max_sensors) {
    // Bounded: the footprint of the sensor heard from least recently gives way.
    auto oldest = std::min_element(
        footprints_.begin(), footprints_.end(),
        [](const auto& a, const auto& b) { return a.second.arrival < b.second.arrival; });
    footprints_.erase(oldest);
  }
  SensorFootprint& f = footprints_[key];
  f = SensorFootprint{};
  f.source = o.source;
  f.sensor = o.sensor;
  f.platform_uid = platform_uid;
  f.time = o.time;
  f.arrival = arrival;
  return &f;
}

void SensorBoard::AddPlatform(const model::Observation& o, Timestamp arrival) {
  SensorFootprint* f = Current(o, o.identity.uid, arrival);
  if (f == nullptr) return;
  const bool first = f->observation_ids.empty();
  f->platform = PointOf(o);
  f->callsign = o.identity.callsign;
  f->arrival = std::max(f->arrival, arrival);
  f->observation_ids.push_back(o.id);
  MergeLabel(f->label, f->label_text, o.label, first);
}

void SensorBoard::AddPoint(const model::Observation& o, Timestamp arrival) {
  auto [platform_uid, suffix] = SplitPointUid(o.identity.uid);
  const std::optional<int> index = PointIndex(suffix);
  if (!index) return;
  SensorFootprint* f = Current(o, platform_uid, arrival);
  if (f == nullptr) return;
  const bool first = f->observation_ids.empty();
  if (*index < 0) {
    f->center = PointOf(o);
  } else {
    f->corners[*index] = PointOf(o);
  }
  if (!f->platform && o.sensor_relative) {
    const geo::Lla& s = o.sensor_relative->sensor_position;
    f->platform = SensorPoint{s.latitude_deg, s.longitude_deg, s.altitude_m};
  }
  f->arrival = std::max(f->arrival, arrival);
  f->observation_ids.push_back(o.id);
  MergeLabel(f->label, f->label_text, o.label, first);
}

void SensorBoard::Add(std::span<const model::Observation> batch, Timestamp arrival) {
  if (std::none_of(batch.begin(), batch.end(), Relevant)) return;
  std::lock_guard lock(mutex_);
  for (const model::Observation& o : batch) {
    if (!Relevant(o)) continue;
    if (o.source_kind == model::SourceKind::kKlv) {
      if (o.kind == model::ObservationKind::kSelfReport) {
        AddPlatform(o, arrival);
      } else {
        AddPoint(o, arrival);
      }
      continue;
    }
    std::deque<SensorDetection>& ring = detections_[o.source];
    SensorDetection d;
    d.observation_id = o.id;
    d.source = o.source;
    d.sensor = o.sensor;
    d.time = o.time;
    d.arrival = arrival;
    d.position = PointOf(o);
    if (o.sensor_relative) {
      d.range_rate_mps = o.sensor_relative->range_rate_mps;
      const geo::Lla& s = o.sensor_relative->sensor_position;
      d.sensor_position = SensorPoint{s.latitude_deg, s.longitude_deg, s.altitude_m};
    }
    d.category = o.identity.category;
    d.label = o.label;
    d.label_text = labels::Render(o.label);
    ring.push_back(std::move(d));
    while (ring.size() > options_.detections_per_source) ring.pop_front();
  }
  const Timestamp cutoff = arrival - options_.detection_keep;
  for (auto& [source, ring] : detections_) {
    while (!ring.empty() && ring.front().arrival < cutoff) ring.pop_front();
  }
}

SensorAnswer SensorBoard::Answer(const labels::User& user, Timestamp since, Timestamp now,
                                 size_t max_detections) const {
  // Decisions per distinct label text, so that a long ring costs one decision per label.
  std::map<std::string, bool> permitted;
  SensorAnswer answer;
  const auto permits = [&](const labels::Label& label, const std::string& text) {
    auto it = permitted.find(text);
    if (it == permitted.end()) it = permitted.emplace(text, labels::Permits(user, label)).first;
    return it->second;
  };
  // The distinct labels of what the answer holds (the audit entry names them).
  std::map<std::string, const labels::Label*> released;
  Json footprints = Json::array();
  std::vector<const SensorDetection*> chosen;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, f] : footprints_) {
      if (f.arrival < now - options_.detection_keep || f.observation_ids.empty()) continue;
      if (!permits(f.label, f.label_text)) continue;
      released.emplace(f.label_text, &f.label);
      Json j{{"source", f.source},
             {"sensor", f.sensor},
             {"platform_uid", f.platform_uid},
             {"time", Millis(f.time)},
             {"arrival", Millis(f.arrival)},
             {"label", f.label_text},
             {"observation_ids", f.observation_ids}};
      if (!f.callsign.empty()) j["callsign"] = f.callsign;
      if (f.platform) j["platform"] = PointJson(*f.platform);
      if (f.center) j["center"] = PointJson(*f.center);
      // The footprint as a ring [lon, lat] (GeoJSON order) when all four corners are known.
      bool complete = true;
      Json corners = Json::array();
      for (const auto& c : f.corners) {
        if (!c) {
          complete = false;
          break;
        }
        corners.push_back(Json::array({c->longitude_deg, c->latitude_deg}));
      }
      if (complete) j["corners"] = std::move(corners);
      footprints.push_back(std::move(j));
    }
    for (const auto& [source, ring] : detections_) {
      for (auto it = ring.rbegin(); it != ring.rend() && it->arrival >= since; ++it) {
        if (permits(it->label, it->label_text)) chosen.push_back(&*it);
      }
    }
    // Newest first across sources; the bound keeps the answer small for a page polling it.
    std::sort(chosen.begin(), chosen.end(), [](const SensorDetection* a, const SensorDetection* b) {
      return a->time != b->time ? a->time > b->time : a->observation_id > b->observation_id;
    });
    const bool truncated = chosen.size() > max_detections;
    if (truncated) chosen.resize(max_detections);
    Json detections = Json::array();
    for (const SensorDetection* d : chosen) {
      released.emplace(d->label_text, &d->label);
      Json j{{"id", d->observation_id},
             {"source", d->source},
             {"sensor", d->sensor},
             {"time", Millis(d->time)},
             {"arrival", Millis(d->arrival)},
             {"lat", d->position.latitude_deg},
             {"lon", d->position.longitude_deg},
             {"label", d->label_text}};
      if (d->position.altitude_m) j["alt"] = *d->position.altitude_m;
      if (d->range_rate_mps) j["range_rate"] = *d->range_rate_mps;
      if (d->sensor_position) j["sensor_position"] = PointJson(*d->sensor_position);
      if (!d->category.empty()) j["category"] = d->category;
      detections.push_back(std::move(j));
    }
    answer.footprints = footprints.size();
    answer.detections = detections.size();
    // Nothing tells how much was withheld: an audience does not learn that something above
    // its authorizations exists.
    Json body{{"time", Millis(now)},
              {"since", Millis(since)},
              {"footprints", std::move(footprints)},
              {"detections", std::move(detections)},
              {"truncated", truncated}};
    answer.body = body.dump();
    for (const auto& [text, label] : released) answer.released.push_back(*label);
  }
  return answer;
}

Result<Duration> ParseSensorWindow(const std::optional<std::string>& since_s) {
  double seconds = kDefaultWindowS;
  if (since_s) {
    const std::string& text = *since_s;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(seconds) ||
        seconds <= 0 || seconds > kMaxWindowS) {
      return InvalidArgument(
          fmt::format("since_s '{}': expected seconds in (0, {}]", text, kMaxWindowS));
    }
  }
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

}  // namespace biac::api
