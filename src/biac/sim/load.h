#pragma once

// A streaming load generator for the node's load test (issue 5 §4: "50,000 observations/s
// sustained from the simulator over real sockets (AIS over UDP, Beast over TCP, ASTERIX over
// UDP), 20,000 live tracks").
//
// The world: `tracks` targets in a square area, ships and aircraft, each on a straight line
// at constant velocity over a flat local frame (an equirectangular projection about the
// area's centre: the load test measures throughput, not geodesy; positions stay well inside
// every wire format's range). A target reaching the area's edge is reflected back into it
// (its tracks stay continuous).
// What they send:
//   ships     AIS type 1 every 2-10 s (a period per ship, uniform), a type 5 before the first
//             report and every 6 min                              -> source "load-ais", UDP
//   aircraft  two airborne positions per second (even and odd CPR alternating; the first
//             waits for its pair, so it gives no observation), one velocity per second,
//             identification and operational status every 5 s and before the first position
//                                                                 -> source "load-adsb", TCP
//   radars    `radars` rotating 2-D radars at the area's centre and at a quarter of its half
//             size towards each corner (every target within CAT048's 256 NM), each seeing
//             every target with probability pd, scan period radar_period_s; a scan's plots
//             are sent per sector (radar_sectors per turn) as CAT048 data blocks of at most
//             max_plots_per_block records, at the sector's end   -> "load-radar-<k>", UDP
// Observations per second (what the node's listeners decode): 2 A + S / mean ship period +
// radars * pd * (S + A) / radar_period_s. PlanLoad solves it for the number of aircraft A
// (S = tracks - A) that gives `observations_per_second`, clamped to [0, tracks].
//
// Memory: the targets' initial states, one pending-event heap entry per emitter and one
// sector's plots; nothing grows with the length of the run. Deterministic in `seed`: every
// draw comes from SplitMix64 streams (random.h) in a fixed order.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/geo/coordinates.h"
#include "biac/sim/wire_feed.h"

namespace biac::sim {

struct LoadOptions {
  uint64_t seed = 1;
  int tracks = 20000;                      // live targets (ships + aircraft)
  double observations_per_second = 50000;  // the total decoded observation rate aimed at
  int radars = 4;
  double radar_period_s = 4.0;
  double radar_pd = 0.9;
  int radar_sectors = 32;          // plots are released per sector of a turn
  int max_plots_per_block = 24;    // CAT048 records per data block (fits one UDP datagram)
  double ship_min_period_s = 2.0;  // AIS reporting period range
  double ship_max_period_s = 10.0;
  double ais_static_period_s = 360.0;
  double adsb_status_period_s = 5.0;
  geo::Lla centre{27.0, 128.0, 0.0};
  // The area: centre +- half_size_deg in latitude and longitude. 2.5 deg keeps every target
  // within CAT048's 256 NM of every radar (PlanLoad checks it).
  double half_size_deg = 2.5;
  Timestamp start = Timestamp::FromNanos(1780272000LL * 1000000000LL);  // 2026-06-01T00:00Z
  std::string source_prefix = "load";
};

// The counts PlanLoad chose and the rates they give (per second).
struct LoadPlan {
  int ships = 0;
  int aircraft = 0;
  int radars = 0;
  double ais_observations = 0.0;
  double adsb_observations = 0.0;
  double radar_observations = 0.0;
  double total_observations() const {
    return ais_observations + adsb_observations + radar_observations;
  }
};

// Errors: non-positive counts or periods, pd outside (0, 1], an area outside +-80 deg.
Result<LoadPlan> PlanLoad(const LoadOptions& options);

class LoadGenerator {
 public:
  static Result<std::unique_ptr<LoadGenerator>> Create(const LoadOptions& options);
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // Appends, in send_time order, every record whose send time is <= `until` and after the
  // previous call's `until` (the first call starts at options.start). Errors: an encoder
  // rejected a value (a bug: the generator keeps every value in range).
  Status Next(Timestamp until, std::vector<WireRecord>& out);

  const LoadPlan& plan() const;
  // One entry per source: what the node's listeners must be configured with.
  const std::vector<WireSourceConfig>& sources() const;
  // Records and observations (records that decode to an observation; a CAT048 block counts
  // its records) produced so far.
  uint64_t records() const;
  uint64_t observations() const;

  class Impl;

 private:
  explicit LoadGenerator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace biac::sim
