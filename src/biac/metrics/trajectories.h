#pragma once

// The input of the over-time metrics: labelled kinematic states of a set of tracks, or of a
// set of truths. Positions in metres and velocities in m/s, in one Cartesian frame shared by
// tracks and truths (2-D data leaves z at 0). Ids name a track (or a truth) across time; track
// ids and truth ids are separate name spaces.
//
// As Stone Soup's metric generators do since PR #1056 (StateMutableSequence.
// last_timestamp_generator), only one state per id per timestamp counts: the one added last.

#include <Eigen/Core>

#include <cstdint>
#include <vector>

#include "biac/base/time.h"

namespace biac::metrics {

struct StateRecord {
  Timestamp time;
  int64_t id = 0;
  Eigen::Vector3d position = Eigen::Vector3d::Zero();
  Eigen::Vector3d velocity = Eigen::Vector3d::Zero();
};

class Trajectories {
 public:
  void Add(Timestamp time, int64_t id, const Eigen::Vector3d& position,
           const Eigen::Vector3d& velocity = Eigen::Vector3d::Zero()) {
    records_.push_back({time, id, position, velocity});
  }
  void Clear() { records_.clear(); }
  bool empty() const { return records_.empty(); }

  // One record per (time, id), the last added of each, sorted by time and then by id.
  std::vector<StateRecord> ByTime() const;
  // The same records sorted by id and then by time.
  std::vector<StateRecord> ById() const;

 private:
  std::vector<StateRecord> records_;
};

// Distinct times of the union of both sets, ascending (Stone Soup's
// MetricManager.list_timestamps).
std::vector<Timestamp> UnionOfTimes(const std::vector<StateRecord>& a,
                                    const std::vector<StateRecord>& b);

}  // namespace biac::metrics
