#pragma once

// The picture: the fused tracks one audience receives, each with its state, identities,
// classification, the roll-up label of what it was derived from, and its provenance.
// `fusion` produces it, `sharing` sanitises it for a partner, `storage` and `api` keep and
// serve it; they exchange only these values (shared/design/ARCHITECTURE.md).

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "biac/base/time.h"
#include "biac/geo/coordinates.h"
#include "biac/labels/label.h"
#include "biac/model/observation.h"

namespace biac::model {

std::string_view DomainName(Domain domain);

// A track number another system gave this object (an ASTERIX CAT062 system track, a CoT
// uid's track, a partner node's track), kept as an identity of the fused track.
struct SourceTrackNumber {
  std::string source;
  uint32_t number = 0;

  friend bool operator==(const SourceTrackNumber&, const SourceTrackNumber&) = default;
  friend auto operator<=>(const SourceTrackNumber&, const SourceTrackNumber&) = default;
};

struct TrackIdentity {
  std::optional<uint32_t> mmsi;
  std::optional<uint32_t> icao_address;
  std::optional<uint16_t> mode3a;
  std::string callsign;
  std::string name;
  std::vector<SourceTrackNumber> track_numbers;  // sorted
};

struct FusedTrack {
  // The track's number in this audience's picture: 1, 2, ... in the order the audience's own
  // view created them (never the number another audience's view gave it).
  uint64_t id = 0;
  Timestamp time;  // time of the state: the last observation applied
  geo::Lla position;
  bool has_altitude = false;
  Eigen::Vector3d velocity_enu = Eigen::Vector3d::Zero();  // m/s, east-north-up at position
  // Covariance of (east, north, up, v_east, v_north, v_up) at `position`, m and m/s.
  Eigen::Matrix<double, 6, 6> covariance = Eigen::Matrix<double, 6, 6>::Zero();

  TrackIdentity identity;
  Domain domain = Domain::kUnknown;
  std::string category;  // the object's type where a source tells it (AIS ship type, CoT type)

  // The roll-up (labels::Rollup) of the labels of every observation in `provenance`.
  labels::Label label;
  std::vector<std::string> sources;           // contributing source ids, sorted
  std::vector<ObservationId> provenance;      // every observation the state derives from, sorted
  uint32_t updates = 0;                       // observations applied
};

struct Picture {
  Timestamp time;                  // the data time the picture is current at
  std::vector<FusedTrack> tracks;  // by id
};

}  // namespace biac::model
