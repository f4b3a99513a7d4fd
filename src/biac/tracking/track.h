#pragma once

// Detections, tracks and the records a tracker reports.

#include <array>
#include <cstdint>
#include <limits>

#include "biac/base/strong_id.h"
#include "biac/base/time.h"
#include "biac/estimation/types.h"

namespace biac::tracking {

// One measurement of a scan. All detections handed to one tracker step share its time.
template <int MeasDim>
struct Detection {
  estimation::Vector<MeasDim> z = estimation::Vector<MeasDim>::Zero();
  uint32_t sensor = 0;
};

enum class TrackStatus : uint8_t {
  kTentative,  // held by the initiator until its confirmation rule is met
  kConfirmed,
  kDeleted,
};

// The bookkeeping every track carries, whatever its filter: what the confirmation and
// deletion rules read.
struct TrackLogic {
  int updates = 0;             // measurement updates so far
  int scans = 0;               // scans since creation, the creating scan included
  int consecutive_misses = 0;  // scans since the last update
  double score = 0.0;          // log-likelihood ratio (Blackman & Popoli 1999, §6.2)
  double max_score = 0.0;
};

template <typename State>
struct Track {
  TrackId id;  // 0 while tentative; confirmed tracks are numbered 1, 2, ... in order
  TrackStatus status = TrackStatus::kTentative;
  Timestamp time;
  State state;
  TrackLogic logic;
};

// A track state as reported to a TrackSink: a confirmed track's state at one time. When a
// tentative track is confirmed its earlier states are reported too (as Stone Soup keeps a
// confirmed track's holding-phase states), so records of one track may arrive after later
// records of other tracks.
template <int StateDim>
struct TrackStateRecord {
  TrackId id;
  Timestamp time;
  estimation::Vector<StateDim> mean;
  estimation::SquareMatrix<StateDim> covariance;
  bool updated = false;  // a measurement update (false: a prediction through a miss)
};

template <int StateDim>
class TrackSink {
 public:
  virtual ~TrackSink() = default;
  virtual void OnState(const TrackStateRecord<StateDim>& record) = 0;
  virtual void OnDeleted(TrackId /*id*/, Timestamp /*time*/) {}
};

}  // namespace biac::tracking
