#pragma once

// ADS-B to model::Observation: a position squitter that CPR resolved becomes a self-report
// of the aircraft, with the uncertainty its own quality indicators give, the latest velocity
// it broadcast, and its identities.
//
// Uncertainty (per axis, 1-sigma, from the 95% bounds of RTCA DO-260B):
// - Horizontal position: NACp's EPU is a 95% bound on the radial horizontal error
//   (DO-260B 2.2.3.2.7.2.7, Table 2-70). For a circular Gaussian error with per-axis sigma s
//   the radial error is Rayleigh distributed, P(r <= R) = 1 - exp(-R^2 / 2 s^2), so the 95%
//   radius is R = s * sqrt(-2 ln 0.05) = 2.4477 s, and s = EPU / 2.4477. Without an NACp
//   (version 0 or no operational status yet) NUCp's 95% containment RCu (DO-260 Table 2-13)
//   is used the same way, and in version 1/2 without NACp the NIC containment radius Rc
//   (Table 2-14; an integrity bound, so a conservative stand-in).
// - Vertical: GNSS height with GVA (DO-260B 2.2.3.2.7.2.8: 150 m or 45 m, 95%) -> VEPU / 1.96;
//   barometric altitude corrected to GNSS height with the GNSS-minus-baro difference of the
//   aircraft's velocity messages -> the 25 ft quantisation of both (uniform: step / sqrt(12));
//   uncorrected barometric altitude -> options.baro_altitude_sigma_m (pressure altitude is
//   not a geometric height).
// - Velocity: NACv's HFOMr and VFOMr are 95% bounds (Table 2-23): horizontal sigma =
//   HFOMr / 2.4477 per axis, vertical sigma = VFOMr / 1.96.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "biac/base/time.h"
#include "biac/formats/adsb/cpr.h"
#include "biac/formats/adsb/framing.h"
#include "biac/formats/adsb/modes.h"
#include "biac/formats/common/source.h"
#include "biac/model/observation.h"

namespace biac::formats::adsb {

struct ObservationOptions {
  SourceConfig source;  // id and label of the feed
  std::string sensor;   // the receiver, copied to Observation::sensor
  // Horizontal 95% bound when the aircraft reports no quality at all (NACp, NIC, NUCp 0).
  double unknown_epu_m = 10.0 * 1852.0;
  // Barometric altitude without a GNSS-minus-baro correction (pressure altitude departs
  // from geometric height by up to a few hundred metres off the standard atmosphere).
  double baro_altitude_sigma_m = 150.0;
  // Velocity 95% bound when NACv is 0 ("unknown or >= 10 m/s").
  double unknown_velocity_bound_mps = 20.0;
  // A velocity message older than this (same aircraft) is not attached to a position.
  double max_velocity_age_s = 5.0;
  size_t max_aircraft = 50000;  // memory bound of the per-aircraft state
};

// The factors from a 95% bound to a 1-sigma per-axis value (see above).
inline constexpr double kHorizontal95ToSigma = 2.4477468306808;  // sqrt(-2 ln 0.05)
inline constexpr double kVertical95ToSigma = 1.959963984540;     // two-sided normal 95%

// Remembers what each aircraft said in other messages (quality, identity, velocity) and
// turns its decoded positions into observations. Feed every message in time order.
class ObservationMapper {
 public:
  explicit ObservationMapper(ObservationOptions options);

  // Remembers the message's identity, quality and velocity fields; for a position squitter
  // whose `position` decoded, returns the observation. `time` is the reception time.
  std::optional<model::Observation> Map(const Message& message, Timestamp time,
                                        const PositionUpdate* position);

 private:
  struct Aircraft {
    std::string callsign;
    std::string category;
    std::optional<uint16_t> mode3a;
    uint8_t version = 0;
    bool has_operational_status = false;
    uint8_t nac_p = 0;
    uint8_t nic_a = 0;
    uint8_t nic_c = 0;
    uint8_t gva = 0;
    std::optional<Velocity> velocity;
    Timestamp velocity_time;
    Timestamp last_seen;
  };
  Aircraft& Lookup(uint32_t icao, Timestamp time);

  ObservationOptions options_;
  std::unordered_map<uint32_t, Aircraft> aircraft_;
};

// ---- SBS-1 BaseStation lines --------------------------------------------------------
//
// An SBS feed (dump1090 / readsb port 30003) carries what the receiver decoded, without the
// quality indicators: MSG,3 (airborne position: altitude, latitude, longitude; dump1090
// writes it only for a position CPR resolved), MSG,2 (surface position with speed and
// track), MSG,4 (velocity: ground speed, track, vertical rate), MSG,1 (callsign), MSG,5/6
// (altitude, squawk). Positions become self-reports; velocity, callsign and squawk are kept
// per aircraft and attached to the next positions.
//
// Uncertainty without a quality field (the defaults below, all options):
// - Horizontal: a 95% bound of 926 m (0.5 NM, the EPU of NACp 5 and DO-260's RCu of NUCp 4).
//   Aircraft meeting the ADS-B mandates (14 CFR 91.227, EU 1207/2011: NACp >= 8, EPU <
//   92.6 m) are ten times better, but an SBS feed also carries DO-260 (version 0)
//   transponders with NUCp 4-6, TIS-B/ADS-R rebroadcasts and, from receivers that feed
//   multilateration results back into their SBS output, MLAT positions of a few hundred
//   metres; the decoded CPR position itself says nothing about which it is, so the default
//   covers them rather than the best case.
// - Vertical: barometric altitude (the SBS default) is pressure altitude, not a height:
//   baro_altitude_sigma_m as for ADS-B; a GNSS height ("H" suffix) takes GVA 1's 150 m (95%).
// - Velocity: NACv unknown: the same 20 m/s 95% bound as an ADS-B NACv of 0; SBS also
//   rounds speed and track to whole knots and degrees, far inside that bound.
struct SbsObservationOptions {
  SourceConfig source;
  std::string sensor;
  double position_epu_m = 0.5 * 1852.0;  // 95% horizontal bound
  double baro_altitude_sigma_m = 150.0;
  double gnss_altitude_bound_m = 150.0;  // 95% (GVA 1)
  double velocity_bound_mps = 20.0;      // 95% horizontal and vertical
  double max_velocity_age_s = 5.0;       // older velocity lines are not attached
  // Per-aircraft state: at most max_aircraft entries (the least recently heard goes), and an
  // aircraft not heard for stale_after_s is dropped whenever the table is full.
  size_t max_aircraft = 50000;
  double stale_after_s = 300.0;
};

class SbsObservationMapper {
 public:
  explicit SbsObservationMapper(SbsObservationOptions options);

  // Remembers the line's callsign, squawk and velocity; for a MSG,2 or MSG,3 with a
  // position, returns the observation. `time` is used when the line has no generated
  // date/time (fields 7-8). Lines that are not MSG, or have no address, give nothing.
  std::optional<model::Observation> Map(const SbsMessage& message, Timestamp time);

  size_t aircraft() const { return aircraft_.size(); }

 private:
  struct Aircraft {  // small and fixed-size: no allocation beyond the table's node
    std::array<char, kCallsignChars + 1> callsign{};
    std::optional<uint16_t> mode3a;
    bool has_velocity = false;
    double east_mps = 0.0, north_mps = 0.0;
    std::optional<double> up_mps;
    Timestamp velocity_time;
    Timestamp last_seen;
  };
  Aircraft& Lookup(uint32_t key, Timestamp time);

  SbsObservationOptions options_;
  std::unordered_map<uint32_t, Aircraft> aircraft_;
};

}  // namespace biac::formats::adsb
