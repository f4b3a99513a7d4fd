#pragma once

// A running biac node (`biac serve`, `biac demo`): the composition of the feed listeners,
// the fusion thread, the store, the audit log and the API (docs/node.md).
//
//   listener threads (net/feed)        decode and frame their feed, hand observation batches
//        │ bounded queue (blocks when   to the fusion thread; a full queue back-pressures TCP
//        ▼ full: never a silent drop)   feeds and fills UDP kernel buffers (counted)
//   fusion thread                      numbers each observation, queues it to the store,
//        │                              fuses it into every audience's engine, and publishes
//        ├─▶ store writer thread        each audience's picture every publish interval
//        └─▶ picture hub ─▶ API (HTTPS, WebSocket streamer, CoT out)
//
// Acknowledgement: an observation is acknowledged once the store has committed it (the
// store's watermark passed its id); per source, the count of acknowledged observations is
// reported (GET /api/v1/sources, metrics). A kill -9 loses no acknowledged observation; on a
// restart the node numbers on from the stored maximum and rebuilds each audience's picture by
// replaying the stored observations of the last `restart_replay_s`, in their original order
// and with their original arrival times, so the picture is the one the node had.

#include <memory>
#include <string>
#include <vector>

#include "biac/app/serve_config.h"
#include "biac/base/clock.h"
#include "biac/base/status.h"

namespace biac::app {

struct NodeEndpoints {
  std::string api_address;
  uint16_t api_port = 0;
  uint16_t cot_port = 0;  // 0: CoT out off
  std::vector<std::pair<std::string, uint16_t>> feed_ports;  // bound ports (udp, tcp server)
  std::string ca_certificate;  // the CA to trust for the API (local CA or configured chain)
  std::string tls_dir;
  bool created_ca = false;
};

class Node {
 public:
  static Result<std::unique_ptr<Node>> Start(const ServeConfig& config, const Clock* clock);
  ~Node();  // Stop()
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Stops the listeners, drains the queue through fusion into the store, commits, writes
  // the final pictures and an audit checkpoint, and stops the API.
  void Stop();
  const NodeEndpoints& endpoints() const;
  // Tracks in each audience's latest picture.
  std::vector<std::pair<std::string, size_t>> TrackCounts() const;
  // Each feed's observations: decoded, handed to fusion, shed (stored but not fused: they
  // waited longer than shed_after_s), acknowledged (committed to the store).
  struct FeedCounts {
    std::string source;
    uint64_t observations = 0, fused = 0, shed = 0, acknowledged = 0;
  };
  std::vector<FeedCounts> Feeds() const;

  class Impl;

 private:
  explicit Node(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace biac::app
