#include "biac/metrics/trajectories.h"

#include <algorithm>
#include <numeric>

namespace biac::metrics {

std::vector<StateRecord> Trajectories::ByTime() const {
  // Stable sort keeps insertion order within a (time, id) group; the last of it wins.
  std::vector<int> order(records_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [this](int a, int b) {
    if (records_[a].time != records_[b].time) return records_[a].time < records_[b].time;
    return records_[a].id < records_[b].id;
  });
  std::vector<StateRecord> out;
  out.reserve(order.size());
  for (size_t k = 0; k < order.size(); ++k) {
    const StateRecord& record = records_[order[k]];
    const bool last_of_group = k + 1 == order.size() ||
                               records_[order[k + 1]].time != record.time ||
                               records_[order[k + 1]].id != record.id;
    if (last_of_group) out.push_back(record);
  }
  return out;
}

std::vector<StateRecord> Trajectories::ById() const {
  std::vector<StateRecord> out = ByTime();
  std::stable_sort(out.begin(), out.end(),
                   [](const StateRecord& a, const StateRecord& b) { return a.id < b.id; });
  return out;
}

std::vector<Timestamp> UnionOfTimes(const std::vector<StateRecord>& a,
                                    const std::vector<StateRecord>& b) {
  std::vector<Timestamp> times;
  times.reserve(a.size() + b.size());
  for (const StateRecord& r : a) times.push_back(r.time);
  for (const StateRecord& r : b) times.push_back(r.time);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  return times;
}

}  // namespace biac::metrics
