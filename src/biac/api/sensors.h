#pragma once

// What the UAV sensors look at, for the map (issue 6 "UAV sensor footprints from KLV; GMTI
// detections"; docs/api.md "Sensors"): the latest footprint of each KLV sensor and the recent
// GMTI detections, kept in memory as observations arrive, so that `GET /api/v1/sensors` (polled
// by every page every second or two) never queries the store.
//
// Footprint. The KLV mapping (formats/klv/observations.h) turns one ST 0601 packet into the
// platform's self report (kSelfReport, identity.uid = tail number or mission id) and up to five
// kSensorPoint observations (frame centre, then footprint corners 1-4; identity.uid
// "<platform uid>:frame_center" / ":corner_<n>", category "frame_center" /
// "footprint_corner"), all with the packet's precision time stamp and image sensor (tag 11).
// A footprint is keyed by (source, sensor, platform uid): points of a newer time start a new
// footprint; points of the same time complete it; older points are ignored (a late packet
// never replaces a newer footprint). The platform position is the self report of the same time,
// else the sensor position the points carry (SensorRelative::sensor_position).
//
// Detections. GMTI target reports (source kind kGmti, kDetection): per source a ring of the
// latest `detections_per_source`, in arrival order.
//
// Release. Every footprint and detection keeps the labels of the observations it is made of;
// an answer for an audience holds only the entries whose label (the roll-up of its
// observations' labels, labels::Rollup) the audience's user passes (labels::Permits), exactly
// as its fusion engine is given only the observations it passes. Nothing is filtered out of
// the board itself: one board serves every audience.
//
// Restart. The board is not stored: the node fills it from the observations it replays from
// the store at start (fusion.restart_replay_s, docs/node.md), so right after a restart the
// footprints and detections that arrived within that window are there again.
//
// Thread safety: Add and Answer may be called from any thread (one mutex; Add takes it only
// when the batch holds a KLV sensor point, a KLV self report or a GMTI detection).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/labels/access.h"
#include "biac/labels/label.h"
#include "biac/model/observation.h"

namespace biac::api {

struct SensorBoardOptions {
  size_t max_sensors = 1024;            // footprints kept (the oldest is dropped beyond it)
  size_t detections_per_source = 4096;  // ring size per GMTI source
  // Detections that arrived longer ago than this are dropped on the next Add.
  Duration detection_keep = std::chrono::hours(1);
};

struct SensorPoint {
  double latitude_deg = 0.0;
  double longitude_deg = 0.0;
  std::optional<double> altitude_m;
};

struct SensorFootprint {
  std::string source;
  std::string sensor;        // ST 0601 tag 11 image source sensor (may be empty)
  std::string platform_uid;  // tail number or mission id (may be empty)
  std::string callsign;      // from the platform's self report of the same time
  Timestamp time;            // the packet's precision time stamp
  Timestamp arrival;         // when the node received it
  std::optional<SensorPoint> platform;
  std::optional<SensorPoint> center;
  std::optional<SensorPoint> corners[4];  // ST 0601 corner order 1-4
  std::vector<uint64_t> observation_ids;
  labels::Label label;     // roll-up of the labels of its observations
  std::string label_text;  // labels::Render(label)
};

struct SensorDetection {
  uint64_t observation_id = 0;
  std::string source;
  std::string sensor;  // STANAG 4607 P8 platform id
  Timestamp time;      // dwell time
  Timestamp arrival;
  SensorPoint position;
  std::optional<double> range_rate_mps;  // D32.7, positive away from the sensor
  std::optional<SensorPoint> sensor_position;
  std::string category;  // D32.10 classification name
  labels::Label label;
  std::string label_text;  // labels::Render(label)
};

// One audience's view of the board.
struct SensorAnswer {
  std::string body;                     // the JSON document of GET /api/v1/sensors
  std::vector<labels::Label> released;  // distinct labels of what it holds (for the audit)
  size_t footprints = 0;
  size_t detections = 0;
};

class SensorBoard {
 public:
  explicit SensorBoard(SensorBoardOptions options = {});

  // Takes the KLV platform reports, KLV sensor points and GMTI detections of a batch; ignores
  // every other observation.
  void Add(std::span<const model::Observation> batch, Timestamp arrival);

  // The latest footprint of each sensor (kept for detection_keep after its arrival, so a
  // sensor that went quiet still shows where it last looked, with its time) and the
  // detections that arrived at or after `since`, newest first, at most `max_detections`; only
  // what `user` passes. `now` is the answer's time.
  SensorAnswer Answer(const labels::User& user, Timestamp since, Timestamp now,
                      size_t max_detections) const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // source, sensor, platform
  void AddPoint(const model::Observation& o, Timestamp arrival);
  void AddPlatform(const model::Observation& o, Timestamp arrival);
  SensorFootprint* Current(const model::Observation& o, const std::string& platform_uid,
                           Timestamp arrival);

  SensorBoardOptions options_;
  mutable std::mutex mutex_;
  std::map<Key, SensorFootprint> footprints_;
  std::map<std::string, std::deque<SensorDetection>> detections_;  // by source
};

// GET /api/v1/sensors?since_s=N: parses N (seconds, (0, 3600], default 60).
Result<Duration> ParseSensorWindow(const std::optional<std::string>& since_s);

}  // namespace biac::api
