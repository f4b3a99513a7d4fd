#include "biac/formats/gmti/observations.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <numbers>
#include <string>

#include "biac/geo/local_frame.h"

namespace biac::formats::gmti {
namespace {

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr int64_t kNanosPerDay = int64_t{86'400} * 1'000'000'000;
// Below this ground distance the sensor is overhead and the range direction is undefined; the
// horizontal covariance is then taken as isotropic.
constexpr double kMinGroundRangeM = 1.0;
constexpr double kDegToRad = std::numbers::pi / 180.0;

bool PositiveFinite(double x) { return std::isfinite(x) && x > 0; }

std::optional<std::chrono::sys_days> Days(const CivilDate& date) {
  const std::chrono::year_month_day ymd{std::chrono::year{date.year},
                                        std::chrono::month{date.month}, std::chrono::day{date.day}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

struct Sigmas {
  double slant_range_m;
  double cross_range_m;
  double height_m;
  double range_rate_mps;
};

Sigmas ReportSigmas(const DwellSegment& dwell, const TargetReport& report,
                    const JobDefinitionSegment* job, const ObservationOptions& options,
                    double slant_range_m) {
  Sigmas s{options.default_slant_range_sigma_m, options.default_cross_range_sigma_m,
           options.default_height_sigma_m, options.default_range_rate_sigma_mps};
  if (job != nullptr) {
    namespace jd = job_definition;
    if (job->Raw(jd::kSlantRangeSigma) != jd::kNoStatementI16) {
      s.slant_range_m = job->Value(jd::kSlantRangeSigma);
    }
    const double cross_deg = job->Value(jd::kCrossRangeSigma);
    if (cross_deg < jd::kNoStatementCrossRangeDeg) {
      s.cross_range_m = cross_deg * kDegToRad * slant_range_m;
    }
    if (job->Raw(jd::kVelocityLosSigma) != jd::kNoStatementI16) {
      s.range_rate_mps = job->Value(jd::kVelocityLosSigma);
    }
  }
  if (dwell.Has(TargetField::kSlantRangeUncertainty)) {
    s.slant_range_m = report.Value(TargetField::kSlantRangeUncertainty);
  }
  if (dwell.Has(TargetField::kCrossRangeUncertainty)) {
    s.cross_range_m = report.Value(TargetField::kCrossRangeUncertainty);
  }
  if (dwell.Has(TargetField::kHeightUncertainty)) {
    s.height_m = report.Value(TargetField::kHeightUncertainty);
  }
  if (dwell.Has(TargetField::kRadialVelocityUncertainty)) {
    s.range_rate_mps = report.Value(TargetField::kRadialVelocityUncertainty);
  }
  return s;
}

}  // namespace

Status ObservationOptions::Validate() const {
  if (!PositiveFinite(default_slant_range_sigma_m) ||
      !PositiveFinite(default_cross_range_sigma_m) || !PositiveFinite(default_height_sigma_m) ||
      !PositiveFinite(default_range_rate_sigma_mps)) {
    return InvalidArgument("gmti observation options: every default sigma must be positive");
  }
  if (reference_date && !Days(*reference_date)) {
    return InvalidArgument(fmt::format("gmti observation options: {}-{}-{} is not a date",
                                       reference_date->year, reference_date->month,
                                       reference_date->day));
  }
  return Status::Ok();
}

model::Domain TargetClassificationDomain(uint8_t classification) {
  // AEDP-7 D32.10: codes 0-127 are live targets and 128-255 the same classes simulated
  // (129 tracked vehicle, simulated; ...); 143 (tagging device) has no live twin, and its
  // live counterpart 15 is reserved.
  constexpr uint8_t kLiveClassMask = 0x7F;
  constexpr uint8_t kTrackedVehicle = 1, kWheeledVehicle = 2, kRotaryWing = 3, kFixedWing = 4,
                    kMaritime = 6, kVehicle = 10, kLargeMultipleReturnLand = 12,
                    kLargeMultipleReturnMaritime = 13;
  switch (classification & kLiveClassMask) {
    case kTrackedVehicle:
    case kWheeledVehicle:
    case kVehicle:
    case kLargeMultipleReturnLand:
      return model::Domain::kLand;
    case kRotaryWing:
    case kFixedWing:
      return model::Domain::kAir;
    case kMaritime:
    case kLargeMultipleReturnMaritime:
      return model::Domain::kSea;
    default:
      return model::Domain::kUnknown;
  }
}

Status AppendObservations(const DwellContext& context, const DwellSegment& dwell,
                          const ObservationOptions& options, std::vector<model::Observation>& out) {
  BIAC_RETURN_IF_ERROR(options.Validate());
  std::optional<CivilDate> date = options.reference_date;
  if (!date && context.mission != nullptr) {
    date = CivilDate{static_cast<int>(context.mission->Raw(mission::kYear)),
                     static_cast<unsigned>(context.mission->Raw(mission::kMonth)),
                     static_cast<unsigned>(context.mission->Raw(mission::kDay))};
  }
  if (!date) {
    return FailedPrecondition(
        "gmti dwell: no reference date (no mission segment, and none in the options)");
  }
  const auto days = Days(*date);
  if (!days) {
    return InvalidArgument(
        fmt::format("gmti mission segment: reference date {}-{}-{} is not a date", date->year,
                    date->month, date->day));
  }
  const Timestamp time = Timestamp::FromNanos(days->time_since_epoch().count() * kNanosPerDay +
                                              dwell.Raw(DwellField::kDwellTime) * kNanosPerMilli);

  const geo::Lla sensor{dwell.Value(DwellField::kSensorLat),
                        NormalizeLongitude(dwell.Value(DwellField::kSensorLon)),
                        dwell.Value(DwellField::kSensorAlt)};
  BIAC_RETURN_IF_ERROR(geo::ValidateLla(sensor));
  const std::string sensor_name =
      context.header != nullptr ? std::string(context.header->Text(packet_header::kPlatformId))
                                : std::string();

  std::vector<model::Observation> made;
  made.reserve(dwell.reports.size());
  for (size_t i = 0; i < dwell.reports.size(); ++i) {
    const TargetReport& report = dwell.reports[i];
    geo::Lla target;
    if (!ReportPosition(dwell, report, target.latitude_deg, target.longitude_deg)) {
      return InvalidArgument(fmt::format(
          "gmti dwell: report {} has no position (neither D32.2-3 nor D32.4-5 with D10-11)", i));
    }
    const bool has_height = dwell.Has(TargetField::kGeodeticHeight);
    target.altitude_m = has_height ? report.Value(TargetField::kGeodeticHeight) : 0.0;
    BIAC_ASSIGN_OR_RETURN(const geo::LocalFrame frame, geo::LocalFrame::Create(target));
    BIAC_ASSIGN_OR_RETURN(const geo::Enu from_target, frame.LlaToEnu(sensor));
    const Eigen::Vector3d los = -from_target.AsVector();  // sensor -> target, ENU
    const double ground = std::hypot(los.x(), los.y());
    const double slant = los.norm();
    const Sigmas sigma = ReportSigmas(dwell, report, context.job, options, slant);

    Eigen::Matrix3d cov = Eigen::Matrix3d::Zero();
    if (ground >= kMinGroundRangeM) {
      const Eigen::Vector2d along = los.head<2>() / ground;
      const Eigen::Vector2d across(along.y(), -along.x());
      const double ground_sigma = sigma.slant_range_m * slant / ground;
      cov.topLeftCorner<2, 2>() =
          ground_sigma * ground_sigma * along * along.transpose() +
          sigma.cross_range_m * sigma.cross_range_m * across * across.transpose();
    } else {
      const double s = std::max(sigma.slant_range_m, sigma.cross_range_m);
      cov(0, 0) = s * s;
      cov(1, 1) = s * s;
    }
    cov(2, 2) = sigma.height_m * sigma.height_m;

    model::Observation o;
    o.time = time;
    o.source = options.source.id;
    o.sensor = sensor_name;
    o.source_kind = model::SourceKind::kGmti;
    o.kind = model::ObservationKind::kDetection;
    o.position = target;
    o.has_altitude = has_height;
    o.position_covariance = cov;
    model::SensorRelative relative;
    relative.sensor_position = sensor;
    if (dwell.Has(TargetField::kVelocityLos)) {
      relative.range_rate_mps = report.Value(TargetField::kVelocityLos);
      relative.range_rate_sigma_mps = sigma.range_rate_mps;
    }
    o.sensor_relative = relative;
    if (dwell.Has(TargetField::kClassification)) {
      const auto classification = static_cast<uint8_t>(report.Raw(TargetField::kClassification));
      o.identity.category = std::string(TargetClassificationName(classification));
      o.domain = TargetClassificationDomain(classification);
    }
    o.label = options.source.label;
    made.push_back(std::move(o));
  }
  out.insert(out.end(), std::make_move_iterator(made.begin()), std::make_move_iterator(made.end()));
  return Status::Ok();
}

}  // namespace biac::formats::gmti
