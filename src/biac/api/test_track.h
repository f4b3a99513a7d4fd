#pragma once

// A fused track with every field the API's forms carry, for the api module's tests.

#include <cstdint>

#include "biac/labels/label.h"
#include "biac/model/picture.h"

namespace biac::api::test_support {

inline model::FusedTrack Track(uint64_t id, double lat, double lon, const char* label) {
  model::FusedTrack t;
  t.id = id;
  t.time = Timestamp::FromNanos(1'780'272'000'123'000'000);
  t.position = {lat, lon, 1000.0};
  t.has_altitude = true;
  t.velocity_enu = Eigen::Vector3d(3.0, 4.0, 0.0);
  t.covariance(0, 0) = 100;
  t.covariance(1, 1) = 300;
  t.domain = model::Domain::kAir;
  t.label = *labels::Parse(label);
  t.identity.icao_address = 0x4840d6;
  t.identity.callsign = "KLM\"1";
  t.sources = {"adsb", "us-radar"};
  t.updates = 7;
  return t;
}

}  // namespace biac::api::test_support
