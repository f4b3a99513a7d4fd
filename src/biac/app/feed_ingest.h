#pragma once

// The node's ingest side: one FeedIngest per configured feed (the handler of its listener:
// framing, decoding, error accounting) and the bounded queue that carries decoded
// observations to the fusion thread (issue 5 §1: bounded queues, overload measured).

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/app/feed_decode.h"
#include "biac/app/serve_config.h"
#include "biac/base/clock.h"
#include "biac/base/time.h"
#include "biac/model/observation.h"
#include "biac/net/feed/framer.h"
#include "biac/net/feed/framing_handler.h"

namespace biac::app {

// Observations from the listeners to the fusion thread. Push blocks while the queue holds
// `limit` observations or more; the time spent blocked is counted.
class IngestQueue {
 public:
  struct Batch {
    size_t source = 0;
    Timestamp arrival;
    std::vector<model::Observation> observations;
  };
  explicit IngestQueue(size_t limit) : limit_(limit) {}

  void Push(Batch batch) {
    std::unique_lock lock(mutex_);
    if (depth_ >= limit_ && !closed_) {
      ++full_waits_;
      const auto start = std::chrono::steady_clock::now();
      not_full_.wait(lock, [&] { return depth_ < limit_ || closed_; });
      blocked_ += std::chrono::steady_clock::now() - start;
    }
    if (closed_) return;
    depth_ += batch.observations.size();
    max_depth_ = std::max(max_depth_, depth_);
    batches_.push_back(std::move(batch));
    not_empty_.notify_one();
  }

  // Takes everything queued, waiting up to `timeout` for something.
  bool PopAll(std::deque<Batch>& out, Duration timeout) {
    std::unique_lock lock(mutex_);
    not_empty_.wait_for(lock, timeout, [&] { return !batches_.empty() || closed_; });
    if (batches_.empty()) return false;
    out.swap(batches_);
    depth_ = 0;
    not_full_.notify_all();
    return true;
  }

  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  struct Stats {
    size_t depth, max_depth, limit;
    uint64_t full_waits;
    double blocked_s;
  };
  Stats stats() const {
    std::lock_guard lock(mutex_);
    return {depth_, max_depth_, limit_, full_waits_, std::chrono::duration<double>(blocked_).count()};
  }

 private:
  const size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Batch> batches_;
  size_t depth_ = 0;
  size_t max_depth_ = 0;
  uint64_t full_waits_ = 0;
  Duration blocked_{0};
  bool closed_ = false;
};

// The framing of a feed's wire format.
net::Framing FramingOf(sim::WireFormat format);

// One feed: its listener's handler. The framing handler keeps a framer per TCP connection
// (a datagram is framed on its own); each record is decoded here and the observations of
// one read are queued as one batch.
//
// A file replay (transport "file", not a pcap capture, speed > 0) is paced here by the data's
// own times, the latest observation time of each record: record k is released at
// w0 + (t_k - t_0) / speed, t_0 and w0 the data and wall times of the first record with a
// time (re-anchored when the data time goes back, e.g. at a loop). Records without an
// observation go at once. Errors name the file and byte offset.
class FeedIngest final : public net::FramingHandler {
 public:
  FeedIngest(const FeedConfig& config, size_t index, std::unique_ptr<FeedDecoder> decoder,
             IngestQueue* queue, const Clock* clock);

  void OnConnect(uint64_t connection, std::string_view peer) override;
  void OnData(const net::Chunk& chunk) override;
  void OnDisconnect(uint64_t connection, std::string_view reason) override;
  void Interrupt() override;  // ends a pacing wait (the listener is stopping)

  struct Stats {
    uint64_t records, errors, observations, framing_errors;
    std::string last_error;
  };
  Stats stats() const {
    std::lock_guard lock(mutex_);
    return {records_, errors_, observations_, framing_errors_, last_error_};
  }
  const FeedConfig& config() const { return config_; }

 private:
  void Record(std::span<const uint8_t> record, const net::RecordSource& source);
  // File replays (not pcap): waits until the data time `time` is due at the feed's speed.
  void Pace(Timestamp time);
  // The place: the peer, the connection or datagram, and the byte offset.
  void Error(const net::RecordSource& source, std::string_view reason);
  void Flush();

  FeedConfig config_;
  size_t index_;
  std::unique_ptr<FeedDecoder> decoder_;
  IngestQueue* queue_;
  const Clock* clock_;
  std::vector<model::Observation> pending_;
  Timestamp arrival_;
  // Pacing of a file replay by data time: the first record's data time and wall time.
  bool paced_ = false;
  std::optional<Timestamp> pace_data_;
  std::chrono::steady_clock::time_point pace_wall_;
  std::mutex pace_mutex_;
  std::condition_variable pace_wake_;
  bool interrupted_ = false;  // under pace_mutex_
  mutable std::mutex mutex_;  // counters, read by other threads
  uint64_t records_ = 0, errors_ = 0, observations_ = 0, framing_errors_ = 0;
  std::string last_error_;
};

}  // namespace biac::app
