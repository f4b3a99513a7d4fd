#include "biac/formats/klv/observations.h"

#include <Eigen/Core>

#include <array>
#include <cmath>
#include <optional>
#include <string>

#include "biac/geo/coordinates.h"
#include "biac/geo/local_frame.h"

namespace biac::formats::klv {
namespace {

constexpr double kDegToRad = 3.14159265358979323846 / 180.0;
constexpr int64_t kNanosPerMicro = 1000;
constexpr int64_t kMaxMicros = INT64_MAX / kNanosPerMicro;
constexpr int kCorners = 4;
// Tag 104 (IMAPB) and 75 both carry the sensor's height above the ellipsoid.
constexpr uint16_t kVerticalSpeedTag = 51;

struct Height {
  double metres = 0.0;
  double extra_variance = 0.0;  // from a mean-sea-level height used as an ellipsoid height
};

// Prefers the ellipsoid heights, then the MSL height with the geoid variance added.
std::optional<Height> PickHeight(const UasPacket& packet, std::initializer_list<uint16_t> hae,
                                 uint16_t msl, double geoid_sigma_m) {
  for (const uint16_t t : hae) {
    if (auto h = packet.Number(t)) return Height{*h, 0.0};
  }
  if (auto h = packet.Number(msl)) return Height{*h, geoid_sigma_m * geoid_sigma_m};
  return std::nullopt;
}

model::Observation BaseObservation(const UasPacket& packet, const ObservationOptions& options,
                                   Timestamp time) {
  model::Observation obs;
  obs.time = time;
  obs.source = options.source.id;
  obs.sensor = std::string(packet.Text(tag::kImageSourceSensor));
  obs.source_kind = model::SourceKind::kKlv;
  obs.label = options.source.label;
  return obs;
}

std::string PlatformUid(const UasPacket& packet) {
  std::string_view id = packet.Text(tag::kPlatformTailNumber);
  if (id.empty()) id = packet.Text(tag::kMissionId);
  return std::string(id);
}

// The sensor-point covariance of the header comment, in the point's ENU frame.
Eigen::Matrix3d SensorPointCovariance(const geo::Lla& point, const std::optional<geo::Lla>& sensor,
                                      std::optional<double> slant_range_m,
                                      const ObservationOptions& options,
                                      model::SensorRelative* relative) {
  const double sigma_theta = options.pointing_sigma_deg * kDegToRad;
  const double min_sin = std::sin(options.min_grazing_deg * kDegToRad);
  const double platform_var =
      options.platform_horizontal_sigma_m * options.platform_horizontal_sigma_m;
  Eigen::Matrix3d cov = Eigen::Matrix3d::Zero();
  cov(2, 2) = options.terrain_sigma_m * options.terrain_sigma_m;

  std::optional<Eigen::Vector3d> to_sensor;  // point -> sensor in the point's ENU
  if (sensor) {
    if (auto frame = geo::LocalFrame::Create(point); frame.ok()) {
      if (auto enu = frame->LlaToEnu(*sensor); enu.ok()) to_sensor = enu->AsVector();
    }
  }
  double range = slant_range_m.value_or(0.0);
  if (!slant_range_m && to_sensor) range = to_sensor->norm();
  const double cross = range * sigma_theta;
  if (!to_sensor || to_sensor->norm() <= 0.0) {
    const double down = cross / min_sin;
    cov(0, 0) = cov(1, 1) = down * down + platform_var;
    return cov;
  }
  const double distance = to_sensor->norm();
  const double sin_grazing = std::max(to_sensor->z() / distance, min_sin);
  const double down = cross / sin_grazing;
  Eigen::Vector2d horizontal(-to_sensor->x(), -to_sensor->y());  // sensor -> point
  if (horizontal.norm() > 0.0) {
    horizontal.normalize();
  } else {
    horizontal = Eigen::Vector2d(0.0, 1.0);  // looking straight down: any axis will do
  }
  Eigen::Matrix2d axes;
  axes.col(0) = horizontal;                                        // down-range
  axes.col(1) = Eigen::Vector2d(-horizontal.y(), horizontal.x());  // cross-range
  const Eigen::Matrix2d diag = Eigen::Vector2d(down * down, cross * cross).asDiagonal();
  cov.topLeftCorner<2, 2>() =
      axes * diag * axes.transpose() + platform_var * Eigen::Matrix2d::Identity();
  if (relative != nullptr) {
    relative->sensor_position = *sensor;
    relative->range_m = range;
    relative->azimuth_deg = std::atan2(horizontal.x(), horizontal.y()) / kDegToRad;
    if (*relative->azimuth_deg < 0.0) *relative->azimuth_deg += 360.0;
    relative->elevation_deg = -std::asin(std::min(1.0, to_sensor->z() / distance)) / kDegToRad;
    relative->range_sigma_m = 0.0;
    relative->azimuth_sigma_deg = options.pointing_sigma_deg;
    relative->elevation_sigma_deg = options.pointing_sigma_deg;
  }
  return cov;
}

}  // namespace

Status ObservationOptions::Validate() const {
  const auto bad = [](double v) { return !std::isfinite(v) || v < 0.0; };
  if (bad(pointing_sigma_deg) || bad(terrain_sigma_m) || bad(platform_horizontal_sigma_m) ||
      bad(platform_vertical_sigma_m) || bad(geoid_sigma_m) || bad(velocity_sigma_mps)) {
    return InvalidArgument("klv observation options: every sigma must be finite and >= 0");
  }
  if (!(min_grazing_deg > 0.0 && min_grazing_deg <= 90.0)) {
    return InvalidArgument("klv observation options: min_grazing_deg " +
                           std::to_string(min_grazing_deg) + " is outside (0, 90]");
  }
  return Status::Ok();
}

Status AppendObservations(const UasPacket& packet, const ObservationOptions& options,
                          std::vector<model::Observation>& out) {
  BIAC_RETURN_IF_ERROR(options.Validate());
  const std::optional<uint64_t> micros = packet.Unsigned(tag::kPrecisionTimeStamp);
  if (!micros) return InvalidArgument("ST 0601 packet has no precision time stamp (tag 2)");
  if (*micros > static_cast<uint64_t>(kMaxMicros)) {
    return InvalidArgument("ST 0601 precision time stamp " + std::to_string(*micros) +
                           " us is beyond the year 2262");
  }
  const Timestamp time = Timestamp::FromNanos(static_cast<int64_t>(*micros) * kNanosPerMicro);
  const std::string uid = PlatformUid(packet);

  // The platform (sensor) position.
  std::optional<geo::Lla> sensor;
  std::optional<Height> sensor_height;
  const auto lat = packet.Number(tag::kSensorLatitude);
  const auto lon = packet.Number(tag::kSensorLongitude);
  if (lat && lon) {
    sensor_height =
        PickHeight(packet, {tag::kSensorEllipsoidHeightExtended, tag::kSensorEllipsoidHeight},
                   tag::kSensorTrueAltitude, options.geoid_sigma_m);
    sensor = geo::Lla{*lat, *lon, sensor_height ? sensor_height->metres : 0.0};
  }
  if (options.platform && sensor) {
    model::Observation obs = BaseObservation(packet, options, time);
    obs.kind = model::ObservationKind::kSelfReport;
    obs.position = *sensor;
    obs.has_altitude = sensor_height.has_value();
    const double h = options.platform_horizontal_sigma_m * options.platform_horizontal_sigma_m;
    obs.position_covariance(0, 0) = h;
    obs.position_covariance(1, 1) = h;
    if (sensor_height) {
      obs.position_covariance(2, 2) =
          options.platform_vertical_sigma_m * options.platform_vertical_sigma_m +
          sensor_height->extra_variance;
    }
    const auto north = packet.Number(tag::kSensorNorthVelocity);
    const auto east = packet.Number(tag::kSensorEastVelocity);
    if (north && east) {
      const auto up = packet.Number(kVerticalSpeedTag);
      obs.velocity_enu = Eigen::Vector3d(*east, *north, up.value_or(0.0));
      obs.has_vertical_velocity = up.has_value();
      const double v = options.velocity_sigma_mps * options.velocity_sigma_mps;
      obs.velocity_covariance = Eigen::Vector3d(v, v, up ? v : 0.0).asDiagonal();
    }
    obs.identity.uid = uid;
    std::string_view callsign = packet.Text(tag::kPlatformCallSign);
    if (callsign.empty()) callsign = packet.Text(tag::kPlatformTailNumber);
    obs.identity.callsign = std::string(callsign);
    obs.identity.name = std::string(packet.Text(tag::kPlatformDesignation));
    obs.identity.category = obs.identity.name;
    out.push_back(std::move(obs));
  }

  // The frame centre and the footprint.
  const auto center_lat = packet.Number(tag::kFrameCenterLatitude);
  const auto center_lon = packet.Number(tag::kFrameCenterLongitude);
  const std::optional<Height> center_height =
      PickHeight(packet, {tag::kFrameCenterHae}, tag::kFrameCenterElevation, options.geoid_sigma_m);
  const auto add_point = [&](const geo::Lla& point, std::optional<double> slant_range,
                             const std::string& suffix, const char* category) {
    model::Observation obs = BaseObservation(packet, options, time);
    obs.kind = model::ObservationKind::kSensorPoint;
    obs.position = point;
    obs.has_altitude = center_height.has_value();
    model::SensorRelative relative;
    obs.position_covariance =
        SensorPointCovariance(point, sensor, slant_range, options, sensor ? &relative : nullptr);
    if (center_height) obs.position_covariance(2, 2) += center_height->extra_variance;
    if (sensor) obs.sensor_relative = relative;
    obs.identity.uid = uid.empty() ? suffix : uid + ":" + suffix;
    obs.identity.category = category;
    out.push_back(std::move(obs));
  };
  const double point_height = center_height ? center_height->metres : 0.0;
  if (options.frame_center && center_lat && center_lon) {
    add_point({*center_lat, *center_lon, point_height}, packet.Number(tag::kSlantRange),
              "frame_center", "frame_center");
  }
  if (options.corners) {
    for (int i = 0; i < kCorners; ++i) {
      std::optional<double> corner_lat = packet.Number(tag::kCornerLatitude1Full + 2 * i);
      std::optional<double> corner_lon = packet.Number(tag::kCornerLatitude1Full + 2 * i + 1);
      if (!(corner_lat && corner_lon) && center_lat && center_lon) {
        const auto dlat = packet.Number(tag::kOffsetCornerLatitude1 + 2 * i);
        const auto dlon = packet.Number(tag::kOffsetCornerLatitude1 + 2 * i + 1);
        if (dlat && dlon) {
          corner_lat = *center_lat + *dlat;
          corner_lon = *center_lon + *dlon;
        }
      }
      if (!(corner_lat && corner_lon)) continue;
      if (geo::ValidateLla({*corner_lat, *corner_lon, point_height}).ok()) {
        add_point({*corner_lat, *corner_lon, point_height}, std::nullopt,
                  "corner_" + std::to_string(i + 1), "footprint_corner");
      }
    }
  }
  return Status::Ok();
}

}  // namespace biac::formats::klv
