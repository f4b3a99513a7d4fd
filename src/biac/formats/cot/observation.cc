#include "biac/formats/cot/observation.h"

#include <cmath>
#include <numbers>

#include "biac/formats/cot/marking.h"

namespace biac::formats::cot {
namespace {

constexpr std::string_view kAtomPrefix = "a-";
constexpr std::string_view kHowMachineGps = "m-g";
constexpr std::string_view kHowMachineFused = "m-f";
constexpr std::string_view kHowMachine = "m-";
constexpr double kDegreesToRadians = std::numbers::pi / 180.0;

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

Status ObservationOptions::Validate() const {
  if (!(unknown_horizontal_sigma_m > 0.0) || !(unknown_vertical_sigma_m > 0.0) ||
      !(unknown_speed_sigma_mps > 0.0)) {
    return InvalidArgument("cot observation options: default sigmas must be positive");
  }
  return Status::Ok();
}

model::ObservationKind ClassifyEvent(const Event& event) {
  if (StartsWith(event.how, kHowMachineGps) || event.detail.takv) {
    return model::ObservationKind::kSelfReport;
  }
  if (StartsWith(event.how, kHowMachine) && !StartsWith(event.how, kHowMachineFused)) {
    return model::ObservationKind::kDetection;
  }
  return model::ObservationKind::kSystemTrack;
}

Result<model::Observation> ToObservation(const Event& event, const ObservationOptions& options) {
  if (!StartsWith(event.type, kAtomPrefix)) {
    return NotFound("event " + std::string(event.uid) + ": type '" + std::string(event.type) +
                    "' is not an atom (a-...), so not an observation");
  }
  BIAC_RETURN_IF_ERROR(options.Validate());
  model::Observation obs;
  BIAC_ASSIGN_OR_RETURN(obs.label, EventLabel(event, options.source.label));
  obs.time = event.time;
  obs.source = options.source.id;
  obs.sensor = options.sensor;
  obs.source_kind = model::SourceKind::kCot;
  obs.kind = ClassifyEvent(event);

  obs.position.latitude_deg = event.point.lat;
  obs.position.longitude_deg = event.point.lon;
  obs.has_altitude = event.point.hae_known();
  obs.position.altitude_m = obs.has_altitude ? event.point.hae : 0.0;
  const double horizontal =
      event.point.ce_known() ? event.point.ce : options.unknown_horizontal_sigma_m;
  const double vertical =
      event.point.le_known() ? event.point.le : options.unknown_vertical_sigma_m;
  obs.position_covariance.setZero();
  obs.position_covariance(0, 0) = horizontal * horizontal;
  obs.position_covariance(1, 1) = horizontal * horizontal;
  obs.position_covariance(2, 2) = vertical * vertical;

  if (event.detail.track) {
    const Track& track = *event.detail.track;
    const double course = track.course * kDegreesToRadians;
    const double sin_c = std::sin(course);
    const double cos_c = std::cos(course);
    obs.velocity_enu = Eigen::Vector3d(track.speed * sin_c, track.speed * cos_c, 0.0);
    obs.velocity_covariance.setZero();
    if (track.speed_error || track.course_error) {
      // v = s (sin c, cos c): Jacobian with respect to (s, c) times diag(es^2, ec^2).
      const double es = track.speed_error.value_or(0.0);
      const double ec = track.course_error.value_or(0.0) * kDegreesToRadians;
      Eigen::Matrix2d jacobian;
      jacobian << sin_c, track.speed * cos_c, cos_c, -track.speed * sin_c;
      const Eigen::Matrix2d input = Eigen::Vector2d(es * es, ec * ec).asDiagonal();
      obs.velocity_covariance.topLeftCorner<2, 2>() = jacobian * input * jacobian.transpose();
    } else {
      const double variance = options.unknown_speed_sigma_mps * options.unknown_speed_sigma_mps;
      obs.velocity_covariance(0, 0) = variance;
      obs.velocity_covariance(1, 1) = variance;
    }
    obs.has_vertical_velocity = false;
  }

  obs.identity.uid = event.uid;
  obs.identity.category = event.type;
  if (event.detail.contact) obs.identity.callsign = event.detail.contact->callsign;
  return obs;
}

}  // namespace biac::formats::cot
