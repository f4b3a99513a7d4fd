#pragma once

// AIS messages -> model::Observation. Position reports (types 1, 2, 3, 18, 19, 27, 9 SAR
// aircraft, 4 base station, 21 aid to navigation) become kSelfReport observations; static
// and voyage data (types 5, 19 and 24) are remembered per MMSI so that later position
// observations carry the name, call sign, IMO number and ship type.
//
// Uncertainty (all values per axis, 1 sigma, in the local east-north-up frame):
// * Position. The position accuracy flag (M.1371-5 Table 45 and its note on RAIM) says
//   whether the error is below 10 m (1) or above (0). IMO MSC.112(73) Annex 3.1.4-3.1.5
//   (shipborne GPS receivers) requires 10 m (95 %) in differential mode and 35 m (95 %)
//   without. biac reads these as 95 % radii of a circular Gaussian (R95 = 2.4477 sigma):
//   sigma = 4.09 m (flag 1) and 14.3 m (flag 0). Without RAIM the flag only says whether
//   DGNSS is in use, nobody monitors the bound: sigma is then multiplied by 1.5 (a margin
//   chosen by biac, not taken from a standard). Type 27 reports positions in 1/10 min
//   (185 m of latitude): the quantisation's uniform variance step^2 / 12 is added.
// * Velocity from SOG (0.1 kn) and COG (0.1 deg). No standard states the accuracy of the
//   transmitted SOG/COG, so biac takes engineering values: sigma_SOG = 0.2 kn and
//   sigma_COG = 2 deg, propagated to east/north through the Jacobian of
//   (v sin c, v cos c); below 1 kn the course is meaningless and the velocity gets an
//   isotropic sigma of 0.5 m/s. Type 27 (1 kn, 1 deg) and type 9 (1 kn) add their
//   quantisation (step^2 / 12).
// * Altitude (type 9, GNSS altitude): 1.5 x the horizontal sigma (GNSS vertical error is
//   typically 1.5 times the horizontal one).
//
// Time: the tag-block receive time when present, else the caller's receive time, then
// moved back to the report's UTC second (see RefineWithUtcSecond).

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "biac/base/time.h"
#include "biac/formats/ais/messages.h"
#include "biac/formats/ais/nmea.h"
#include "biac/formats/common/source.h"
#include "biac/model/observation.h"

namespace biac::formats::ais {

// A circular Gaussian's 95 % radius is sqrt(-2 ln 0.05) = 2.4477 sigma.
inline constexpr double kR95PerSigma = 2.4477;
// IMO MSC.112(73) Annex 3.1.4-3.1.5: horizontal accuracy (95 %) with / without DGNSS.
inline constexpr double kDifferentialR95M = 10.0;
inline constexpr double kAutonomousR95M = 35.0;

struct ObservationOptions {
  SourceConfig source;   // id and label copied to every observation
  std::string sensor;    // Observation::sensor when the tag block names no source station
  // Sigmas (per axis, 1 sigma) before the RAIM factor; see the header comment.
  double high_accuracy_sigma_m = kDifferentialR95M / kR95PerSigma;
  double low_accuracy_sigma_m = kAutonomousR95M / kR95PerSigma;
  double no_raim_factor = 1.5;
  double sog_sigma_kn = 0.2;
  double cog_sigma_deg = 2.0;
  double min_speed_for_course_kn = 1.0;
  double slow_velocity_sigma_mps = 0.5;
  double vertical_factor = 1.5;
};

// Static and voyage data remembered for one MMSI.
struct StaticInfo {
  std::string name;
  std::string callsign;
  uint32_t imo = 0;       // 0 = not known
  uint8_t shiptype = 0;   // 0 = not available
};

// The latest time not after `receive` + tolerance whose UTC second (of the minute) is
// `second`. An AIS report's time stamp (M.1371-5 Table 45, "time stamp") is the UTC second
// when the position was fixed; the receiver hears it within the same or the next few
// seconds. Receive times up to kClockTolerance earlier than the fix (a receiver clock a
// little behind) are accepted. `second` >= 60 (not available, manual, dead reckoning,
// inoperative) leaves `receive` unchanged.
Timestamp RefineWithUtcSecond(Timestamp receive, unsigned second);

class ObservationMapper {
 public:
  explicit ObservationMapper(ObservationOptions options);

  // Maps one message. Static data (types 5, 19, 24) is remembered. Position reports with an
  // available position give an observation; every other message, and positions marked not
  // available (lon 181 / lat 91) or out of range, give nullopt. The time is the tag block's
  // receive time if the message had one, else `receive_time`.
  std::optional<model::Observation> Map(const DecodedMessage& decoded, Timestamp receive_time);
  std::optional<model::Observation> Map(const Message& message, Timestamp receive_time,
                                        std::string_view station = {});

  // What is known about an MMSI (nullptr if nothing).
  const StaticInfo* Find(uint32_t mmsi) const;

 private:
  void Remember(const Message& message);

  ObservationOptions options_;
  std::unordered_map<uint32_t, StaticInfo> static_;
};

}  // namespace biac::formats::ais
