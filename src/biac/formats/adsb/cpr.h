#pragma once

// Compact Position Reporting (CPR): the 17-bit latitude and longitude encoding of ADS-B
// position squitters, and a stateful per-aircraft decoder.
//
// Reference: RTCA DO-260B (2009) Appendix A, A.1.7 (CPR encoding and decoding), with the
// number-of-longitude-zones function NL (A.1.7.2 d) and the global (A.1.7.7, A.1.7.8) and
// local (A.1.7.5, A.1.7.6) decoding rules. NZ = 15 latitude zones per quadrant; airborne
// zones span 360 degrees, surface zones 90 degrees (a quarter of the resolution range,
// so a surface decode is ambiguous by 90 degrees and needs a reference to resolve).
//
// Validity rules:
// - A global airborne decode needs an even and an odd frame received within 10 s of each
//   other (A.1.7.7: an aircraft at 1000 kt cannot move half a zone, 180 NM, in that time;
//   10 s is the standard's bound). Surface pairs: 25 s (the bound for movement above 25 kt;
//   the standard allows 50 s below; biac uses the stricter one).
// - The even and odd latitudes must lie in the same NL zone (otherwise the frames straddle a
//   zone boundary and the longitude would be wrong), and inside +-90 degrees.
// - A local decode is unambiguous only if the reference lies within half a zone of the true
//   position: 180 NM airborne, 45 NM on the surface (A.1.7.5).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "biac/formats/adsb/modes.h"

namespace biac::formats::adsb {

struct LatLon {
  double lat_deg = 0.0;
  double lon_deg = 0.0;
};

// Number of longitude zones at a latitude (DO-260B A.1.7.2 d), 1..59.
int CprNl(double lat_deg);

enum class CprError : uint8_t {
  kNone,
  kLatitudeOutOfRange,  // the pair resolves outside +-90 degrees
  kZoneStraddle,        // the even and odd latitudes have different NL
  kTooFar,              // local decode: the result is over half a zone from the reference
};
std::string_view CprErrorName(CprError error);

struct CprResult {
  CprError error = CprError::kNone;
  LatLon position;
  bool ok() const { return error == CprError::kNone; }
};

// Global airborne decode of an even/odd pair; the position is that of the most recent frame
// (`odd_is_latest`). Longitude in [-180, 180).
CprResult CprGlobalAirborne(const CprFields& even, const CprFields& odd, bool odd_is_latest);
// Global surface decode of an even/odd pair: of the four candidate latitudes/longitudes 90
// degrees apart, those nearest the reference (a receiver or the aircraft's last position).
CprResult CprGlobalSurface(const CprFields& even, const CprFields& odd, bool odd_is_latest,
                           LatLon reference);
// Local decode of one frame against a reference within half a zone.
CprResult CprLocal(const CprFields& frame, bool surface, LatLon reference);

struct PositionDecoderOptions {
  std::optional<LatLon> receiver;  // needed for surface positions without history
  double max_pair_age_s = 10.0;    // airborne even/odd pairing window (A.1.7.7)
  double max_surface_pair_age_s = 25.0;
  // How long an aircraft's last position serves as the reference for local decoding.
  double max_reference_age_s = 60.0;
  // Decode airborne frames locally against the receiver when no pair or history exists.
  // Unsafe unless every aircraft heard is within 180 NM of the receiver (off by default).
  bool airborne_local_to_receiver = false;
  // Reject a position implying a speed above this from the aircraft's last one (0: off).
  // 1000 kt is faster than any civil aircraft; fighters should raise it.
  double max_speed_mps = 515.0;
  size_t max_aircraft = 50000;  // memory bound: the least recently heard is forgotten
};

enum class PositionMethod : uint8_t { kGlobalPair, kLocalAircraft, kLocalReceiver };
std::string_view PositionMethodName(PositionMethod method);

enum class PositionStatus : uint8_t {
  kDecoded,
  kNeedPair,         // no fresh frame of the other format and no reference yet
  kNoReference,      // surface frame with neither receiver nor history
  kCprRejected,      // see PositionUpdate::cpr_error
  kImplausibleJump,  // faster than max_speed_mps from the last position; history dropped
};
std::string_view PositionStatusName(PositionStatus status);

struct PositionUpdate {
  PositionStatus status = PositionStatus::kNeedPair;
  CprError cpr_error = CprError::kNone;
  PositionMethod method = PositionMethod::kGlobalPair;
  LatLon position;
  bool decoded() const { return status == PositionStatus::kDecoded; }
};

// Per-aircraft CPR state (last even and odd frame, last position) for a stream of position
// squitters in time order. Not thread-safe; one per feed.
class PositionDecoder {
 public:
  explicit PositionDecoder(PositionDecoderOptions options = {});

  // Feeds one position squitter of aircraft `icao` received at `time_s` (seconds on any
  // monotonic scale of the feed).
  PositionUpdate Update(uint32_t icao, double time_s, const CprFields& frame, bool surface);

  size_t aircraft() const { return aircraft_.size(); }
  const PositionDecoderOptions& options() const { return options_; }

 private:
  struct Frame {
    CprFields cpr;
    double time_s = 0.0;
    bool valid = false;
  };
  struct Aircraft {
    Frame frames[2];  // [0] even, [1] odd
    bool surface = false;
    bool has_position = false;
    LatLon position;
    double position_time_s = 0.0;
    double last_seen_s = 0.0;
  };

  Aircraft& Lookup(uint32_t icao, double time_s);

  PositionDecoderOptions options_;
  std::unordered_map<uint32_t, Aircraft> aircraft_;
};

// Great-circle distance on a sphere of the WGS-84 mean radius, for plausibility checks.
double HaversineM(LatLon a, LatLon b);

}  // namespace biac::formats::adsb
