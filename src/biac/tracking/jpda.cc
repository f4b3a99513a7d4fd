#include "biac/tracking/jpda.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace biac::tracking {
namespace {

constexpr int kEmptySlot = -1;

int Find(std::vector<int>& parent, int x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

uint64_t HashKey(const uint64_t* key, int words) {
  uint64_t h = 0x9E3779B97F4A7C15ull;
  for (int w = 0; w < words; ++w) {
    h ^= key[w] + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ull;
  }
  return h ^ (h >> 31);
}

bool HasBit(const uint64_t* key, int bit) { return (key[bit >> 6] >> (bit & 63)) & 1u; }

// Largest weight of track t (missed included); 0 if the track has no usable option.
double LargestWeight(const JpdaProblem& problem, int t) {
  double largest = problem.missed[t];
  for (int e = problem.row_begin[t]; e < problem.row_begin[t + 1]; ++e) {
    largest = std::max(largest, problem.weights[e]);
  }
  return largest;
}

Status NoFeasibleEvent(int track) {
  return FailedPrecondition("JPDA: the cluster of track " + std::to_string(track) +
                            " has no joint event of positive weight");
}

// stamp: scratch of num_detections entries, used to find a detection repeated in a row.
Status ValidateProblem(const JpdaProblem& problem, std::vector<int>& stamp) {
  const int num_tracks = problem.num_tracks();
  if (problem.num_detections < 0) {
    return InvalidArgument("JPDA: negative detection count " +
                           std::to_string(problem.num_detections));
  }
  if (static_cast<int>(problem.row_begin.size()) != num_tracks + 1 || problem.row_begin[0] != 0 ||
      problem.row_begin[num_tracks] != static_cast<int>(problem.detections.size()) ||
      problem.detections.size() != problem.weights.size()) {
    return InvalidArgument("JPDA: row offsets, detections and weights disagree in size (" +
                           std::to_string(num_tracks) + " tracks, " +
                           std::to_string(problem.detections.size()) + " detections, " +
                           std::to_string(problem.weights.size()) + " weights)");
  }
  stamp.assign(problem.num_detections, -1);
  for (int t = 0; t < num_tracks; ++t) {
    if (problem.row_begin[t + 1] < problem.row_begin[t] ||
        problem.row_begin[t + 1] > static_cast<int>(problem.detections.size())) {
      return InvalidArgument("JPDA: row offsets decrease or overrun at track " + std::to_string(t));
    }
    if (!(problem.missed[t] >= 0.0) || !std::isfinite(problem.missed[t])) {
      return InvalidArgument("JPDA: track " + std::to_string(t) +
                             " has a negative or non-finite missed weight");
    }
    for (int e = problem.row_begin[t]; e < problem.row_begin[t + 1]; ++e) {
      const int j = problem.detections[e];
      if (j < 0 || j >= problem.num_detections) {
        return InvalidArgument("JPDA: track " + std::to_string(t) + " names detection " +
                               std::to_string(j) + " outside [0, " +
                               std::to_string(problem.num_detections) + ")");
      }
      if (stamp[j] == t) {
        return InvalidArgument("JPDA: track " + std::to_string(t) + " lists detection " +
                               std::to_string(j) + " twice");
      }
      stamp[j] = t;
      if (!(problem.weights[e] >= 0.0) || !std::isfinite(problem.weights[e])) {
        return InvalidArgument("JPDA: track " + std::to_string(t) + ", detection " +
                               std::to_string(j) + " has a negative or non-finite weight");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

void JpdaSolver::BuildClusters(const JpdaProblem& problem) {
  const int num_tracks = problem.num_tracks();
  parent_.resize(num_tracks);
  for (int t = 0; t < num_tracks; ++t) parent_[t] = t;
  detection_owner_.assign(problem.num_detections, -1);
  detection_begin_.assign(problem.num_detections + 1, 0);
  for (int t = 0; t < num_tracks; ++t) {
    for (int e = problem.row_begin[t]; e < problem.row_begin[t + 1]; ++e) {
      if (problem.weights[e] <= 0.0) continue;
      const int j = problem.detections[e];
      ++detection_begin_[j + 1];
      if (detection_owner_[j] < 0) {
        detection_owner_[j] = t;
      } else {
        const int a = Find(parent_, t), b = Find(parent_, detection_owner_[j]);
        if (a != b) parent_[std::max(a, b)] = std::min(a, b);
      }
    }
  }
  // Detection -> tracks, for the breadth-first order.
  for (int j = 0; j < problem.num_detections; ++j) detection_begin_[j + 1] += detection_begin_[j];
  detection_tracks_.resize(detection_begin_[problem.num_detections]);
  for (int j = 0; j < problem.num_detections; ++j) detection_owner_[j] = detection_begin_[j];
  for (int t = 0; t < num_tracks; ++t) {
    for (int e = problem.row_begin[t]; e < problem.row_begin[t + 1]; ++e) {
      if (problem.weights[e] > 0.0)
        detection_tracks_[detection_owner_[problem.detections[e]]++] = t;
    }
  }
  // Clusters as CSR, each listing its tracks in ascending order.
  cluster_of_root_.assign(num_tracks, -1);
  cluster_begin_.assign(1, 0);
  int num_clusters = 0;
  for (int t = 0; t < num_tracks; ++t) {
    const int root = Find(parent_, t);
    if (cluster_of_root_[root] < 0) {
      cluster_of_root_[root] = num_clusters++;
      cluster_begin_.push_back(0);
    }
    ++cluster_begin_[cluster_of_root_[root] + 1];
  }
  for (int c = 0; c < num_clusters; ++c) cluster_begin_[c + 1] += cluster_begin_[c];
  cluster_tracks_.resize(num_tracks);
  order_.assign(cluster_begin_.begin(), cluster_begin_.end() - 1);  // fill cursors
  for (int t = 0; t < num_tracks; ++t) {
    cluster_tracks_[order_[cluster_of_root_[Find(parent_, t)]]++] = t;
  }
}

Status JpdaSolver::Compute(const JpdaProblem& problem, std::vector<double>& entry_probability,
                           std::vector<double>& missed_probability) {
  BIAC_RETURN_IF_ERROR(ValidateProblem(problem, detection_owner_));
  statistics_ = JpdaStatistics{};
  const int num_tracks = problem.num_tracks();
  entry_probability.assign(problem.detections.size(), 0.0);
  missed_probability.assign(num_tracks, 0.0);
  BuildClusters(problem);
  local_detection_.assign(problem.num_detections, -1);
  visited_.assign(num_tracks, 0);
  const int num_clusters = static_cast<int>(cluster_begin_.size()) - 1;
  for (int c = 0; c < num_clusters; ++c) {
    const std::span<const int> tracks(cluster_tracks_.data() + cluster_begin_[c],
                                      cluster_begin_[c + 1] - cluster_begin_[c]);
    if (tracks.size() == 1) {
      // PDA closed form.
      const int t = tracks[0];
      const double scale = LargestWeight(problem, t);
      if (!(scale > 0.0)) return NoFeasibleEvent(t);
      double total = problem.missed[t] / scale;
      for (int e = problem.row_begin[t]; e < problem.row_begin[t + 1]; ++e) {
        total += problem.weights[e] / scale;
      }
      missed_probability[t] = problem.missed[t] / scale / total;
      for (int e = problem.row_begin[t]; e < problem.row_begin[t + 1]; ++e) {
        entry_probability[e] = problem.weights[e] / scale / total;
      }
      continue;
    }
    ++statistics_.num_clusters;
    statistics_.largest_cluster =
        std::max(statistics_.largest_cluster, static_cast<int>(tracks.size()));
    BIAC_RETURN_IF_ERROR(SolveCluster(problem, tracks, entry_probability, missed_probability));
  }
  return Status::Ok();
}

int JpdaSolver::FindOrInsertNode(const uint64_t* key) {
  const int mask = static_cast<int>(table_.size()) - 1;
  int slot = static_cast<int>(HashKey(key, words_) & static_cast<uint64_t>(mask));
  while (true) {
    const int node = table_[slot];
    if (node == kEmptySlot) break;
    if (std::equal(key, key + words_, node_keys_.data() + static_cast<size_t>(node) * words_)) {
      return node;
    }
    slot = (slot + 1) & mask;
  }
  const int node = static_cast<int>(forward_.size());
  node_keys_.insert(node_keys_.end(), key, key + words_);
  forward_.push_back(0.0);
  node_slot_.push_back(slot);
  table_[slot] = node;
  if (2 * (node - layer_first_node_ + 1) > static_cast<int>(table_.size())) RehashLayer();
  return node;
}

void JpdaSolver::RehashLayer() {
  table_.assign(2 * table_.size(), kEmptySlot);
  const int mask = static_cast<int>(table_.size()) - 1;
  for (int node = layer_first_node_; node < static_cast<int>(forward_.size()); ++node) {
    const uint64_t* key = node_keys_.data() + static_cast<size_t>(node) * words_;
    int slot = static_cast<int>(HashKey(key, words_) & static_cast<uint64_t>(mask));
    while (table_[slot] != kEmptySlot) slot = (slot + 1) & mask;
    table_[slot] = node;
    node_slot_[node] = slot;
  }
}

Status JpdaSolver::SolveCluster(const JpdaProblem& problem, std::span<const int> tracks,
                                std::vector<double>& entry_probability,
                                std::vector<double>& missed_probability) {
  const int num_tracks = static_cast<int>(tracks.size());
  // Breadth-first order over tracks sharing detections, from the cluster's first track, so
  // that tracks close in the graph are close in the order and keys stay small.
  order_.clear();
  order_.push_back(tracks[0]);
  visited_[tracks[0]] = 1;
  for (size_t head = 0; head < order_.size(); ++head) {
    const int t = order_[head];
    for (int e = problem.row_begin[t]; e < problem.row_begin[t + 1]; ++e) {
      if (problem.weights[e] <= 0.0) continue;
      const int j = problem.detections[e];
      for (int k = detection_begin_[j]; k < detection_begin_[j + 1]; ++k) {
        const int other = detection_tracks_[k];
        if (!visited_[other]) {
          visited_[other] = 1;
          order_.push_back(other);
        }
      }
    }
  }
  // Local detection indices and, per position, the detections last used there.
  cluster_detections_.clear();
  last_use_.clear();
  for (int position = 0; position < num_tracks; ++position) {
    const int t = order_[position];
    for (int e = problem.row_begin[t]; e < problem.row_begin[t + 1]; ++e) {
      if (problem.weights[e] <= 0.0) continue;
      const int j = problem.detections[e];
      if (local_detection_[j] < 0) {
        local_detection_[j] = static_cast<int>(cluster_detections_.size());
        cluster_detections_.push_back(j);
        last_use_.push_back(position);
      }
      last_use_[local_detection_[j]] = position;
    }
  }
  const int num_local = static_cast<int>(cluster_detections_.size());
  words_ = std::max(1, (num_local + 63) / 64);
  drop_.assign(static_cast<size_t>(num_tracks) * words_, 0);
  for (int d = 0; d < num_local; ++d) {
    drop_[static_cast<size_t>(last_use_[d]) * words_ + (d >> 6)] |= uint64_t{1} << (d & 63);
  }
  scale_.resize(num_tracks);
  for (int position = 0; position < num_tracks; ++position) {
    const double largest = LargestWeight(problem, order_[position]);
    if (!(largest > 0.0)) return NoFeasibleEvent(order_[position]);
    scale_[position] = 1.0 / largest;
  }

  // Forward pass: build the net layer by layer, summing path weights into forward_.
  node_keys_.assign(words_, 0);
  forward_.assign(1, 1.0);
  node_slot_.assign(1, 0);
  layer_begin_.assign({0, 1});
  edge_parent_.clear();
  edge_child_.clear();
  edge_entry_.clear();
  edge_weight_.clear();
  edge_layer_begin_.assign(1, 0);
  scratch_key_.resize(words_);
  if (table_.size() < 16) table_.assign(16, kEmptySlot);
  Status status = Status::Ok();
  for (int position = 0; position < num_tracks && status.ok(); ++position) {
    const int t = order_[position];
    const uint64_t* drop = drop_.data() + static_cast<size_t>(position) * words_;
    const double missed = problem.missed[t] * scale_[position];
    const int parents_begin = layer_begin_[position];
    const int parents_end = layer_begin_[position + 1];
    layer_first_node_ = parents_end;
    const auto add_edge = [&](int parent, int entry, double weight) {
      const int child = FindOrInsertNode(scratch_key_.data());
      forward_[child] += forward_[parent] * weight;
      edge_parent_.push_back(parent);
      edge_child_.push_back(child);
      edge_entry_.push_back(entry);
      edge_weight_.push_back(weight);
    };
    for (int parent = parents_begin; parent < parents_end; ++parent) {
      // node_keys_ may grow inside add_edge: index it afresh each time.
      const auto parent_key = [&]() {
        return node_keys_.data() + static_cast<size_t>(parent) * words_;
      };
      if (missed > 0.0) {
        for (int w = 0; w < words_; ++w) scratch_key_[w] = parent_key()[w] & ~drop[w];
        add_edge(parent, -1, missed);
      }
      for (int e = problem.row_begin[t]; e < problem.row_begin[t + 1]; ++e) {
        if (problem.weights[e] <= 0.0) continue;
        const int d = local_detection_[problem.detections[e]];
        if (HasBit(parent_key(), d)) continue;
        for (int w = 0; w < words_; ++w) scratch_key_[w] = parent_key()[w];
        scratch_key_[d >> 6] |= uint64_t{1} << (d & 63);
        for (int w = 0; w < words_; ++w) scratch_key_[w] &= ~drop[w];
        add_edge(parent, e, problem.weights[e] * scale_[position]);
      }
    }
    // Clear the table for the next layer through the slots this layer used.
    const int children_end = static_cast<int>(forward_.size());
    for (int node = parents_end; node < children_end; ++node) table_[node_slot_[node]] = kEmptySlot;
    layer_begin_.push_back(children_end);
    edge_layer_begin_.push_back(static_cast<int>(edge_parent_.size()));
    double largest = 0.0;
    for (int node = parents_end; node < children_end; ++node) {
      largest = std::max(largest, forward_[node]);
    }
    if (!(largest > 0.0)) {
      status = NoFeasibleEvent(t);
      break;
    }
    for (int node = parents_end; node < children_end; ++node) forward_[node] /= largest;
  }
  for (const int j : cluster_detections_) local_detection_[j] = -1;
  BIAC_RETURN_IF_ERROR(status);
  const int num_nodes = static_cast<int>(forward_.size());
  statistics_.num_nodes += num_nodes;
  statistics_.num_edges += static_cast<int64_t>(edge_parent_.size());

  // Backward pass: the last layer is the single node with the empty key.
  backward_.assign(num_nodes, 0.0);
  backward_[num_nodes - 1] = 1.0;
  for (int position = num_tracks - 1; position >= 0; --position) {
    for (int k = edge_layer_begin_[position]; k < edge_layer_begin_[position + 1]; ++k) {
      backward_[edge_parent_[k]] += edge_weight_[k] * backward_[edge_child_[k]];
    }
    double largest = 0.0;
    for (int node = layer_begin_[position]; node < layer_begin_[position + 1]; ++node) {
      largest = std::max(largest, backward_[node]);
    }
    if (!(largest > 0.0)) return NoFeasibleEvent(order_[position]);
    for (int node = layer_begin_[position]; node < layer_begin_[position + 1]; ++node) {
      backward_[node] /= largest;
    }
  }

  // Marginals: each edge of layer k carries forward(parent) w backward(child) of the events
  // through it; per-layer scale factors are common to all of track k's options.
  for (int position = 0; position < num_tracks; ++position) {
    const int t = order_[position];
    double total = 0.0;
    for (int k = edge_layer_begin_[position]; k < edge_layer_begin_[position + 1]; ++k) {
      const double mass = forward_[edge_parent_[k]] * edge_weight_[k] * backward_[edge_child_[k]];
      total += mass;
      if (edge_entry_[k] < 0) {
        missed_probability[t] += mass;
      } else {
        entry_probability[edge_entry_[k]] += mass;
      }
    }
    if (!(total > 0.0)) return NoFeasibleEvent(t);
    missed_probability[t] /= total;
    for (int e = problem.row_begin[t]; e < problem.row_begin[t + 1]; ++e) {
      entry_probability[e] /= total;
    }
  }
  return Status::Ok();
}

Status JpdaBruteForce(const JpdaProblem& problem, std::vector<double>& entry_probability,
                      std::vector<double>& missed_probability) {
  std::vector<int> stamp;
  BIAC_RETURN_IF_ERROR(ValidateProblem(problem, stamp));
  const int num_tracks = problem.num_tracks();
  std::vector<double> scale(num_tracks);
  for (int t = 0; t < num_tracks; ++t) {
    const double largest = LargestWeight(problem, t);
    scale[t] = largest > 0.0 ? 1.0 / largest : 0.0;
  }
  entry_probability.assign(problem.detections.size(), 0.0);
  missed_probability.assign(num_tracks, 0.0);
  std::vector<char> used(problem.num_detections, 0);
  std::vector<int> choice(num_tracks, -1);  // entry, or -1 for missed
  double total = 0.0;
  const auto recurse = [&](const auto& self, int t, double weight) -> void {
    if (weight == 0.0) return;
    if (t == num_tracks) {
      total += weight;
      for (int s = 0; s < num_tracks; ++s) {
        if (choice[s] < 0) {
          missed_probability[s] += weight;
        } else {
          entry_probability[choice[s]] += weight;
        }
      }
      return;
    }
    choice[t] = -1;
    self(self, t + 1, weight * problem.missed[t] * scale[t]);
    for (int e = problem.row_begin[t]; e < problem.row_begin[t + 1]; ++e) {
      const int j = problem.detections[e];
      if (used[j]) continue;
      used[j] = 1;
      choice[t] = e;
      self(self, t + 1, weight * problem.weights[e] * scale[t]);
      used[j] = 0;
    }
    choice[t] = -1;
  };
  recurse(recurse, 0, 1.0);
  if (!(total > 0.0)) {
    return FailedPrecondition("JPDA brute force: no joint event of positive weight");
  }
  for (double& p : entry_probability) p /= total;
  for (double& p : missed_probability) p /= total;
  return Status::Ok();
}

}  // namespace biac::tracking
