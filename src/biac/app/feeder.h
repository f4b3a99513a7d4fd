#pragma once

// Sends wire records to a node's feed listeners over real sockets (UDP datagrams, TCP
// streams) at the pace of their send times: the simulated sources of `biac demo` and of the
// load bench. One thread; records must be in send-time order.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "biac/base/clock.h"
#include "biac/base/status.h"
#include "biac/sim/wire_feed.h"

namespace biac::app {

struct FeederTarget {
  std::string source;
  sim::WireTransport transport = sim::WireTransport::kUdp;
  std::string host = "127.0.0.1";
  uint16_t port = 0;
};

// Where records come from: fills `out` with the records due up to `until` (send time), in
// order; returns false when the feed has ended.
using RecordSource = std::function<bool(Timestamp until, std::vector<sim::WireRecord>& out)>;

struct FeederStats {
  uint64_t records = 0;
  uint64_t bytes = 0;
  uint64_t send_errors = 0;
  bool finished = false;
};

class Feeder {
 public:
  // Record send time `first` goes out at wall time `wall_start`; later records follow at
  // `speed` times their spacing. TCP targets connect at start (and reconnect on error).
  static Result<std::unique_ptr<Feeder>> Start(std::vector<FeederTarget> targets,
                                               RecordSource source, Timestamp first,
                                               Timestamp wall_start, double speed,
                                               const Clock* clock);
  ~Feeder();  // Stop()
  void Stop();
  FeederStats stats() const;

  class Impl;

 private:
  explicit Feeder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A RecordSource over records already in memory.
RecordSource RecordsFrom(std::vector<sim::WireRecord> records);

}  // namespace biac::app
