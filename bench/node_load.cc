// The node under load, end to end (issue 5 §4: "50,000 observations/s sustained from the
// simulator over real sockets (AIS over UDP, Beast over TCP, ASTERIX over UDP), 20,000 live
// tracks, 50 WebSocket clients: p99 observation-to-client latency <= 100 ms, resident memory
// <= 500 MB, zero observations lost. A load command in `bench/` reproduces it and prints the
// figures."). docs/node-load.md describes the method and the figures measured.
//
//   node_load --biac PATH [--rate 50000] [--tracks 20000] [--clients 50] [--duration 60]
//             [--warmup 15] [--encoding binary|json] [--dir DIR] [--keep]
//
// 1. writes a node configuration (two audiences, one feed per load source) and starts
//    `biac serve` (tests/e2e/node_process.h);
// 2. runs sim::LoadGenerator from now on, one app::Feeder thread per source at speed 1 (the
//    generator is shared: whichever feeder is first to need a step generates it);
// 3. opens the WebSocket clients, one thread each, half per audience; every track update of a
//    delta message gives latency = receive wall time - the track's "t" (the data time of its
//    newest observation);
// 4. after the warm-up measures for `duration` seconds, then stops the feeders at a send time,
//    waits for the node to acknowledge everything it decoded and compares counts;
// 5. prints one JSON object with every figure, then a readable summary.
// Both processes share the machine's cores: the bench's own CPU time is reported too.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cmath>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <vector>

#include "biac/app/feed_decode.h"
#include "biac/app/feeder.h"
#include "biac/base/clock.h"
#include "biac/base/status.h"
#include "biac/base/thread.h"
#include "biac/model/observation.h"
#include "biac/net/http/client.h"
#include "biac/sim/load.h"
#include "biac/sim/wire_feed.h"

#include "tests/e2e/node_process.h"

namespace biac::bench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using Steady = std::chrono::steady_clock;

constexpr char kUsAnalyst[] = "us-analyst";
constexpr char kJpnAnalyst[] = "jpn-analyst";
constexpr char kAdmin[] = "admin";
constexpr char kUsPassword[] = "load-us-analyst-password";
constexpr char kJpnPassword[] = "load-jpn-analyst-password";
constexpr char kAdminPassword[] = "load-admin-password";
// AIS and ADS-B are open broadcasts; the radars are the two nations' shared sensors.
constexpr char kBroadcastLabel[] = "UNCLASSIFIED";
constexpr char kRadarLabel[] = "SECRET//REL TO USA, JPN";

// Client latency histograms: 1 ms bins up to kHistogramMs, then one overflow bin.
constexpr int64_t kHistogramMs = 10'000;
// The stream sends a track at most once a second (api/stream.h, min_track_interval): a newer
// state of a track sent less than 1 s ago is held until the first round after that second
// (rounds: every publication, 20 ms here). An update received more than this after the
// track's previous one was therefore not held: its latency is the pipeline's alone.
constexpr int64_t kThrottleGapMs = 1100;
// Time the feeders keep sending after the stop is decided (the stop is a send time ahead of
// every feeder's current step, so no record after it is ever generated).
constexpr auto kStopLead = std::chrono::milliseconds(300);
constexpr auto kSettleTimeout = std::chrono::seconds(180);
constexpr auto kSamplePeriod = std::chrono::seconds(1);

// Binary stream form (api/track_codec.h): header "BT" u8 version u8 type i64 time_ms, then
// u16 label_count { u16 length, bytes }*, u32 updated { 32-byte record }*, ...
constexpr size_t kBinaryHeaderSize = 12;
constexpr size_t kBinaryRecordSize = 32;
constexpr size_t kRecordDtOffset = 4;       // i32 dt_ms after u32 id
constexpr size_t kRecordDomainOffset = 30;  // u8 domain after lat, lon, alt, ve, vn, label
constexpr uint8_t kBinaryDelta = 2;
constexpr uint8_t kDomainSea = 1;  // model::Domain::kSea
constexpr uint8_t kDomainAir = 2;  // model::Domain::kAir

struct Options {
  std::string biac;
  double rate = 50000;
  int tracks = 20000;
  int clients = 50;
  double duration_s = 60;
  double warmup_s = 15;
  std::string encoding = "binary";
  std::string dir;
  bool keep = false;
  // The mix: with sim::LoadOptions' 4 radars turning in 4 s, PlanLoad needs 15,636 aircraft
  // for 20,000 tracks at 50,000 observations/s, more than the node's ADS-B decoder keeps
  // state for (formats/adsb/observation.h, max_aircraft 10,000: docs/node-load.md). Five
  // radars turning in 3 s carry more of the rate: 9,091 aircraft.
  int radars = 5;
  double radar_period_s = 3.0;
  // A radar sends its plots at the end of each of these sectors: 128 is a plot out within
  // 23 ms of its detection at a 3 s turn, as a plot extractor that sends plots as it forms
  // them (32, a data block per 1/32 of a turn, holds a plot up to 94 ms: docs/node-load.md).
  int radar_sectors = 128;
  // The node as configured for latency (docs/node.md, "Live latency"): observations held
  // 20 ms for ordering, a publication every 20 ms.
  double lag_s = 0.02;        // [fusion] lag_s
  double late_s = 1.0;        // [fusion] late_s
  double shed_after_s = 1.0;  // [fusion] shed_after_s (the node's default)
  int publish_ms = 20;        // [fusion] publish_interval_ms (the node's default is 50)
  double picture_store_s = 0;  // [fusion] picture_store_interval_s; 0: the node's default
  bool live_pending = false;  // [fusion] live_pending
  int fusion_threads = 0;     // [fusion] threads; 0: the node's default
  std::string background;     // [fusion] background_priority; empty: the node's default
};

Result<Options> ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return InvalidArgument(a + ": a value is required");
      return std::string(argv[++i]);
    };
    try {
      if (a == "--keep") {
        o.keep = true;
      } else if (a == "--biac") {
        BIAC_ASSIGN_OR_RETURN(o.biac, value());
      } else if (a == "--rate") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.rate = std::stod(v);
      } else if (a == "--tracks") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.tracks = std::stoi(v);
      } else if (a == "--clients") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.clients = std::stoi(v);
      } else if (a == "--duration") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.duration_s = std::stod(v);
      } else if (a == "--warmup") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.warmup_s = std::stod(v);
      } else if (a == "--encoding") {
        BIAC_ASSIGN_OR_RETURN(o.encoding, value());
      } else if (a == "--radars") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.radars = std::stoi(v);
      } else if (a == "--radar-period") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.radar_period_s = std::stod(v);
      } else if (a == "--radar-sectors") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.radar_sectors = std::stoi(v);
      } else if (a == "--lag") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.lag_s = std::stod(v);
      } else if (a == "--late") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.late_s = std::stod(v);
      } else if (a == "--shed") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.shed_after_s = std::stod(v);
      } else if (a == "--publish-ms") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.publish_ms = std::stoi(v);
      } else if (a == "--picture-store") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.picture_store_s = std::stod(v);
      } else if (a == "--live-pending") {
        o.live_pending = true;
      } else if (a == "--background") {
        BIAC_ASSIGN_OR_RETURN(o.background, value());
      } else if (a == "--fusion-threads") {
        BIAC_ASSIGN_OR_RETURN(std::string v, value());
        o.fusion_threads = std::stoi(v);
      } else if (a == "--dir") {
        BIAC_ASSIGN_OR_RETURN(o.dir, value());
      } else {
        return InvalidArgument("unknown argument '" + a + "'");
      }
    } catch (const std::exception&) {
      return InvalidArgument(a + ": not a number");
    }
  }
  if (o.biac.empty()) return InvalidArgument("--biac PATH (the biac executable) is required");
  if (o.encoding != "binary" && o.encoding != "json") {
    return InvalidArgument("--encoding: binary or json");
  }
  if (!(o.rate > 0) || o.tracks <= 0 || o.clients < 0 || !(o.duration_s > 0) || o.warmup_s < 0) {
    return InvalidArgument("rate, tracks, duration must be positive; clients, warmup >= 0");
  }
  return o;
}

std::string Basic(const std::string& user, const std::string& password) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string in = user + ":" + password;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    const size_t n = std::min<size_t>(3, in.size() - i);
    uint32_t v = 0;
    for (size_t k = 0; k < 3; ++k) {
      v = (v << 8) | (k < n ? static_cast<uint8_t>(in[i + k]) : 0u);
    }
    for (size_t k = 0; k < 4; ++k) {
      out += k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=';
    }
  }
  return "Basic " + out;
}

int64_t WallMillis() { return SystemClock::Instance().Now().nanos() / 1'000'000; }

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

// ---- latency histogram -------------------------------------------------------------------

class MsHistogram {
 public:
  MsHistogram() : bins_(static_cast<size_t>(kHistogramMs) + 2, 0) {}
  void Add(int64_t ms) {
    if (ms < 0) {
      ++negative_;
      ms = 0;
    }
    ++bins_[static_cast<size_t>(std::min(ms, kHistogramMs + 1))];
    ++count_;
    sum_ += static_cast<double>(ms);
    max_ = std::max(max_, ms);
  }
  void Merge(const MsHistogram& other) {
    for (size_t i = 0; i < bins_.size(); ++i) bins_[i] += other.bins_[i];
    count_ += other.count_;
    negative_ += other.negative_;
    sum_ += other.sum_;
    max_ = std::max(max_, other.max_);
  }
  // The smallest latency (ms) at or below which a fraction q of the updates fall.
  int64_t Quantile(double q) const {
    if (count_ == 0) return 0;
    const uint64_t rank =
        std::max<uint64_t>(1, static_cast<uint64_t>(q * static_cast<double>(count_) + 0.5));
    uint64_t seen = 0;
    for (size_t i = 0; i < bins_.size(); ++i) {
      seen += bins_[i];
      if (seen >= rank)
        return i > static_cast<size_t>(kHistogramMs) ? max_ : static_cast<int64_t>(i);
    }
    return max_;
  }
  Json ToJson() const {
    return Json{
        {"updates", count_},        {"mean_ms", count_ ? sum_ / static_cast<double>(count_) : 0.0},
        {"p50_ms", Quantile(0.50)}, {"p90_ms", Quantile(0.90)},
        {"p99_ms", Quantile(0.99)}, {"p999_ms", Quantile(0.999)},
        {"max_ms", max_},           {"negative", negative_}};
  }
  uint64_t count() const { return count_; }

 private:
  std::vector<uint32_t> bins_;
  uint64_t count_ = 0;
  uint64_t negative_ = 0;  // receive time before the data time (clock skew: same clock here)
  double sum_ = 0;
  int64_t max_ = 0;
};

// ---- WebSocket clients ---------------------------------------------------------------------

struct ClientResult {
  MsHistogram all, sea, air;
  MsHistogram unthrottled;       // updates more than kThrottleGapMs after the track's previous one
  uint64_t messages = 0;         // every message received
  uint64_t window_messages = 0;  // during the measurement
  uint64_t window_bytes = 0;
  uint64_t snapshots = 0;
  // Per wall-clock second of the window: updates, and updates over 100 ms (whether the tail
  // comes in bursts, and how often).
  std::map<int64_t, std::pair<uint64_t, uint64_t>> by_second;
  bool connected = false;
  std::string error;
};

class ClientRunner {
 public:
  ClientRunner(std::string user, std::string password, std::string target, uint16_t port,
               net::TlsClientOptions tls, const std::atomic<bool>* measuring)
      : user_(std::move(user)),
        password_(std::move(password)),
        target_(std::move(target)),
        port_(port),
        tls_(std::move(tls)),
        measuring_(measuring) {}

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  const ClientResult& result() const { return result_; }
  bool connected() const { return connected_; }

 private:
  void Run() {
    auto ws = net::WebSocketClient::Connect("127.0.0.1", port_, target_,
                                            {{"Authorization", Basic(user_, password_)}}, tls_);
    if (!ws.ok()) {
      result_.error = ws.error().message();
      connected_ = true;  // done trying
      return;
    }
    result_.connected = true;
    connected_ = true;
    while (!stop_) {
      auto message = (*ws)->Read(std::chrono::milliseconds(500));
      if (!message.ok()) {
        if (message.error().message().find("timeout") != std::string::npos) continue;
        result_.error = message.error().message();
        break;
      }
      const int64_t now_ms = WallMillis();
      ++result_.messages;
      const bool measure = measuring_->load(std::memory_order_relaxed);
      if (measure) {
        ++result_.window_messages;
        result_.window_bytes += message->data.size();
      }
      if (message->binary) {
        Binary(message->data, now_ms, measure);
      } else {
        Text(message->data, now_ms, measure);
      }
    }
    (void)(*ws)->Close();
  }

  // One track of a message: its latency if the message is a delta read during the window.
  void Track(uint32_t id, int64_t t, uint8_t domain, int64_t now_ms, bool delta, bool measure) {
    // Track ids are numbered 1, 2, ... per audience: a vector indexed by id.
    if (id >= last_received_.size()) {
      last_received_.resize(std::max<size_t>(id + 1, 2 * last_received_.size()), -1);
    }
    const int64_t previous = last_received_[id];
    last_received_[id] = now_ms;
    if (!delta || !measure) return;
    const int64_t latency_ms = now_ms - t;
    result_.all.Add(latency_ms);
    if (now_ms / 1000 != second_ || second_counts_ == nullptr) {
      second_ = now_ms / 1000;
      second_counts_ = &result_.by_second[second_];
    }
    ++second_counts_->first;
    if (latency_ms > 100) ++second_counts_->second;
    if (domain == kDomainSea) result_.sea.Add(latency_ms);
    if (domain == kDomainAir) result_.air.Add(latency_ms);
    // Not held by the stream's once-a-second limit (see kThrottleGapMs).
    if (previous < 0 || now_ms - previous > kThrottleGapMs) result_.unthrottled.Add(latency_ms);
  }

  template <typename T>
  static T Load(const std::string& s, size_t at) {
    T v;
    std::memcpy(&v, s.data() + at, sizeof(T));  // little-endian wire, little-endian host
    return v;
  }

  void Binary(const std::string& m, int64_t now_ms, bool measure) {
    if (m.size() < kBinaryHeaderSize + 2 || m[0] != 'B' || m[1] != 'T') return;
    const bool delta = static_cast<uint8_t>(m[3]) == kBinaryDelta;
    if (!delta) ++result_.snapshots;
    const int64_t time_ms = Load<int64_t>(m, 4);
    size_t at = kBinaryHeaderSize;
    const uint16_t labels = Load<uint16_t>(m, at);
    at += 2;
    for (uint16_t i = 0; i < labels; ++i) {
      if (at + 2 > m.size()) return;
      at += 2 + Load<uint16_t>(m, at);
    }
    if (at + 4 > m.size()) return;
    const uint32_t updated = Load<uint32_t>(m, at);
    at += 4;
    for (uint32_t i = 0; i < updated && at + kBinaryRecordSize <= m.size(); ++i) {
      const int64_t t = time_ms + Load<int32_t>(m, at + kRecordDtOffset);
      Track(Load<uint32_t>(m, at), t, static_cast<uint8_t>(m[at + kRecordDomainOffset]), now_ms,
            delta, measure);
      at += kBinaryRecordSize;
    }
  }

  // A scan, not a JSON parse: the compact form starts each track with {"id":U,"t":ms and a
  // track object holds no nested object (api/track_codec.h).
  void Text(const std::string& m, int64_t now_ms, bool measure) {
    const bool delta = m.starts_with("{\"type\":\"delta\"");
    if (!delta) ++result_.snapshots;
    static constexpr std::string_view kId = "{\"id\":";
    static constexpr std::string_view kT = ",\"t\":";
    static constexpr std::string_view kSea = "\"dom\":\"sea\"";
    static constexpr std::string_view kAir = "\"dom\":\"air\"";
    auto number = [&m](size_t& at) {
      int64_t v = 0;
      while (at < m.size() && m[at] >= '0' && m[at] <= '9') v = v * 10 + (m[at++] - '0');
      return v;
    };
    size_t at = 0;
    while ((at = m.find(kId, at)) != std::string::npos) {
      at += kId.size();
      const int64_t id = number(at);
      if (m.compare(at, kT.size(), kT) != 0) continue;
      at += kT.size();
      const int64_t t = number(at);
      const size_t end = m.find('}', at);
      const std::string_view object(m.data() + at,
                                    (end == std::string::npos ? m.size() : end) - at);
      const uint8_t domain = object.find(kSea) != std::string_view::npos   ? kDomainSea
                             : object.find(kAir) != std::string_view::npos ? kDomainAir
                                                                           : 0;
      Track(static_cast<uint32_t>(id), t, domain, now_ms, delta, measure);
    }
  }

  std::string user_, password_, target_;
  uint16_t port_;
  net::TlsClientOptions tls_;
  const std::atomic<bool>* measuring_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};
  std::thread thread_;
  ClientResult result_;
  int64_t second_ = -1;  // the wall second that second_counts_ counts
  std::pair<uint64_t, uint64_t>* second_counts_ = nullptr;
  std::vector<int64_t> last_received_;  // track id -> wall ms of its last update (-1: none)
};

// A load source's feed configuration with the bench's labels.
app::FeedSourceConfig Labelled(const sim::WireSourceConfig& w) {
  sim::WireSourceConfig labelled = w;
  labelled.label_text = w.format == sim::WireFormat::kAsterix ? kRadarLabel : kBroadcastLabel;
  return app::FeedSourceConfigFrom(labelled);
}

// ---- the shared load generator -----------------------------------------------------------

// Feeds one app::Feeder per source from one LoadGenerator: the first feeder to need a step
// generates it and queues each source's records for its feeder.
class SharedLoad {
 public:
  SharedLoad(std::unique_ptr<sim::LoadGenerator> generator, Timestamp start)
      : generator_(std::move(generator)), generated_(start) {
    for (const sim::WireSourceConfig& s : generator_->sources()) {
      index_[s.source] = queues_.size();
      queues_.emplace_back();
      references_.push_back(std::make_unique<Reference>());
      auto decoder = app::FeedDecoder::Create(Labelled(s));
      if (decoder.ok()) references_.back()->decoder = std::move(decoder).value();
    }
  }

  ~SharedLoad() { StopReference(); }

  // Source k's records for its feeder. Each record handed out is also decoded with the node's
  // own decoder (app/feed_decode.h): the observations the node must report for that source if
  // nothing is lost on the way. The decoding is the bench's own work, not the node's, so it
  // runs on a thread of its own at idle priority (base/thread.h): on what the node and the
  // clients leave of the cores, caught up after the run (WaitReference).
  app::RecordSource SourceFor(size_t k) {
    return [this, k](Timestamp until, std::vector<sim::WireRecord>& out) {
      const size_t first = out.size();
      const bool more = Take(k, until, out);
      if (references_[k]->decoder && out.size() > first) {
        std::lock_guard lock(reference_mutex_);
        for (size_t i = first; i < out.size(); ++i) {
          reference_queue_.push_back({k, out[i].bytes, out[i].send_time});
        }
        reference_wake_.notify_one();
      }
      return more;
    };
  }

  // Starts the reference decoder's thread.
  void StartReference() {
    reference_thread_ = std::thread([this] {
      NameThisThread("bench-reference");
      SetThisThreadPriority(ThreadPriority::kIdle);
      std::unique_lock lock(reference_mutex_);
      while (true) {
        reference_wake_.wait(lock, [&] { return reference_stop_ || !reference_queue_.empty(); });
        if (reference_queue_.empty()) {
          if (reference_stop_) return;
          continue;
        }
        std::deque<Pending> taken;
        taken.swap(reference_queue_);
        reference_busy_ = true;
        lock.unlock();
        for (const Pending& p : taken) {
          Reference& r = *references_[p.source];
          r.scratch.clear();
          r.decoder->Decode({reinterpret_cast<const uint8_t*>(p.bytes.data()), p.bytes.size()},
                            p.send_time, r.scratch, nullptr);
          r.observations += r.scratch.size();
        }
        lock.lock();
        reference_busy_ = false;
        reference_done_.notify_all();
      }
    });
  }

  // Waits until every record handed out so far is decoded (at normal priority now: the
  // measurement is over).
  void WaitReference() {
    std::unique_lock lock(reference_mutex_);
    reference_done_.wait(lock, [&] { return reference_queue_.empty() && !reference_busy_; });
  }

  void StopReference() {
    {
      std::lock_guard lock(reference_mutex_);
      reference_stop_ = true;
    }
    reference_wake_.notify_all();
    if (reference_thread_.joinable()) reference_thread_.join();
  }

  // Observations the reference decoder got from source k's records (all of them, after
  // WaitReference).
  uint64_t reference_observations(size_t k) const { return references_[k]->observations.load(); }

  // No record with a send time after `end` will be generated.
  void EndAt(Timestamp end) { end_ns_ = end.nanos(); }

  uint64_t observations() {
    std::lock_guard lock(mutex_);
    return generator_->observations();
  }
  uint64_t records() {
    std::lock_guard lock(mutex_);
    return generator_->records();
  }
  Status status() {
    std::lock_guard lock(mutex_);
    return status_;
  }
  const sim::LoadPlan& plan() const { return generator_->plan(); }
  const std::vector<sim::WireSourceConfig>& sources() const { return generator_->sources(); }

 private:
  bool Take(size_t k, Timestamp until, std::vector<sim::WireRecord>& out) {
    std::lock_guard lock(mutex_);
    if (!status_.ok()) return false;
    const Timestamp end = Timestamp::FromNanos(end_ns_.load());
    const Timestamp target = std::min(until, end);
    if (target > generated_) {
      scratch_.clear();
      status_ = generator_->Next(target, scratch_);
      if (!status_.ok()) return false;
      generated_ = target;
      for (sim::WireRecord& r : scratch_) {
        auto it = index_.find(r.source);
        if (it != index_.end()) queues_[it->second].push_back(std::move(r));
      }
    }
    std::deque<sim::WireRecord>& q = queues_[k];
    while (!q.empty() && q.front().send_time <= until) {
      out.push_back(std::move(q.front()));
      q.pop_front();
    }
    return !(until >= end && q.empty());
  }

  struct Reference {
    std::unique_ptr<app::FeedDecoder> decoder;
    std::vector<model::Observation> scratch;
    std::atomic<uint64_t> observations{0};
  };
  struct Pending {
    size_t source;
    std::string bytes;
    Timestamp send_time;
  };
  std::mutex reference_mutex_;
  std::condition_variable reference_wake_, reference_done_;
  std::deque<Pending> reference_queue_;
  bool reference_busy_ = false;
  bool reference_stop_ = false;
  std::thread reference_thread_;

  std::mutex mutex_;
  std::vector<std::unique_ptr<Reference>> references_;
  std::unique_ptr<sim::LoadGenerator> generator_;
  Timestamp generated_;
  std::atomic<int64_t> end_ns_{std::numeric_limits<int64_t>::max()};
  std::map<std::string, size_t> index_;
  std::vector<std::deque<sim::WireRecord>> queues_;
  std::vector<sim::WireRecord> scratch_;
  Status status_ = Status::Ok();
};

// ---- the node's API and /proc --------------------------------------------------------------

class AdminApi {
 public:
  AdminApi(uint16_t port, net::TlsClientOptions tls) : port_(port), tls_(std::move(tls)) {}

  Result<std::string> Get(const std::string& target) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!connection_) {
        auto c = net::HttpsConnection::Connect("127.0.0.1", port_, tls_);
        if (!c.ok()) return c.status();
        connection_ = std::move(c).value();
      }
      auto r = connection_->Request("GET", target,
                                    {{"Authorization", Basic(kAdmin, kAdminPassword)}}, "");
      if (r.ok() && r->status == 200) return std::move(r->body);
      connection_.reset();
      if (r.ok()) return Unavailable(fmt::format("GET {}: {} {}", target, r->status, r->body));
    }
    return Unavailable("GET " + target + ": connection failed");
  }

  Result<Json> Sources(bool stored = false) {
    BIAC_ASSIGN_OR_RETURN(std::string body,
                          Get(stored ? "/api/v1/sources?stored=1" : "/api/v1/sources"));
    Json j = Json::parse(body, nullptr, false);
    if (j.is_discarded()) return Internal("sources: not JSON");
    return j;
  }

  Result<std::map<std::string, double>> Metrics() {
    BIAC_ASSIGN_OR_RETURN(std::string body, Get("/metrics"));
    std::map<std::string, double> out;
    std::istringstream in(body);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const size_t space = line.rfind(' ');
      if (space == std::string::npos) continue;
      try {
        out[line.substr(0, space)] = std::stod(line.substr(space + 1));
      } catch (const std::exception&) {
      }
    }
    return out;
  }

 private:
  uint16_t port_;
  net::TlsClientOptions tls_;
  std::unique_ptr<net::HttpsConnection> connection_;
};

using Metrics = std::map<std::string, double>;

// The sum of a metric over its label sets.
double Sum(const Metrics& m, const std::string& name) {
  double total = 0;
  for (auto it = m.lower_bound(name); it != m.end() && it->first.starts_with(name); ++it) {
    if (it->first == name || it->first[name.size()] == '{') total += it->second;
  }
  return total;
}

double Value(const Metrics& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? 0.0 : it->second;
}

// A Prometheus histogram's change between two scrapes: count, mean and bucket upper bounds
// of the quantiles (the node's buckets: api/prometheus.h).
Json HistogramDelta(const Metrics& before, const Metrics& after, const std::string& name) {
  std::vector<std::pair<double, double>> buckets;  // le, cumulative count in the window
  const std::string prefix = name + "_bucket{le=\"";
  for (auto it = after.lower_bound(prefix); it != after.end() && it->first.starts_with(prefix);
       ++it) {
    const std::string le = it->first.substr(prefix.size(), it->first.size() - prefix.size() - 2);
    const double bound = le == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(le);
    buckets.emplace_back(bound, it->second - Value(before, it->first));
  }
  std::sort(buckets.begin(), buckets.end());
  const double count = Value(after, name + "_count") - Value(before, name + "_count");
  const double sum = Value(after, name + "_sum") - Value(before, name + "_sum");
  auto quantile = [&](double q) -> Json {
    for (const auto& [bound, cumulative] : buckets) {
      if (count > 0 && cumulative >= q * count) {
        return std::isinf(bound) ? Json("+Inf") : Json(bound * 1000.0);
      }
    }
    return Json(nullptr);
  };
  return Json{{"count", count},
              {"mean_ms", count > 0 ? sum / count * 1000.0 : 0.0},
              {"p50_le_ms", quantile(0.5)},
              {"p90_le_ms", quantile(0.9)},
              {"p99_le_ms", quantile(0.99)}};
}

uint64_t ProcResidentBytes(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

// utime + stime of a process or thread, seconds (proc(5): fields 14 and 15 of .../stat).
double StatCpuSeconds(const std::string& path) {
  std::ifstream in(path);
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 > stat.size()) return 0;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  uint64_t utime = 0, stime = 0;
  // After ")": field 3 (state) is the first; utime is field 14, stime 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double ProcCpuSeconds(pid_t pid) { return StatCpuSeconds(fmt::format("/proc/{}/stat", pid)); }

// Per thread (/proc/PID/task/TID/stat): tid -> CPU seconds. The node's threads are unnamed;
// the busiest one shows whether a single thread (fusion) is the bottleneck.
// With schedstat (proc(5): "time spent on the cpu", "time spent waiting on a runqueue", ns):
// a thread that waits on the run queue as long as it runs is starved of CPU, not slow.
struct ThreadTimes {
  double cpu_s = 0;
  double runqueue_wait_s = 0;
};

std::map<std::string, ThreadTimes> ThreadCpuSeconds(pid_t pid) {
  std::map<std::string, ThreadTimes> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fmt::format("/proc/{}/task", pid), ec)) {
    ThreadTimes t;
    t.cpu_s = StatCpuSeconds(entry.path().string() + "/stat");
    std::ifstream sched(entry.path().string() + "/schedstat");
    double run_ns = 0, wait_ns = 0;
    if (sched >> run_ns >> wait_ns) t.runqueue_wait_s = wait_ns / 1e9;
    out[entry.path().filename().string()] = t;
  }
  return out;
}

// The machine's 1-minute load average (proc(5)): other processes share the two cores.
double LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  in >> one;
  return one;
}

double SelfCpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct SourceTotals {
  uint64_t records = 0, errors = 0, observations = 0, acknowledged = 0, stored = 0, drops = 0;
};

SourceTotals Totals(const Json& sources) {
  SourceTotals t;
  for (const Json& s : sources) {
    t.records += s.value("records", uint64_t{0});
    t.errors += s.value("errors", uint64_t{0});
    t.observations += s.value("observations", uint64_t{0});
    t.acknowledged += s.value("acknowledged", uint64_t{0});
    t.stored += s.value("stored", uint64_t{0});
    t.drops += s.value("kernel_drops", uint64_t{0});
  }
  return t;
}

// ---- configuration ---------------------------------------------------------------------------

std::string Quoted(const std::string& s) { return Json(s).dump(); }

void WriteConfig(const std::string& path, const std::vector<sim::WireSourceConfig>& sources,
                 const Options& o) {
  std::ofstream out(path);
  out << "[node]\nname = \"load\"\ndata_dir = \"data\"\n"
      << "[api]\nlisten = \"127.0.0.1:0\"\n"
      << "[fusion]\nlag_s = " << o.lag_s << "\nlate_s = " << o.late_s
      << "\nlive_pending = " << (o.live_pending ? "true" : "false")
      << "\npublish_interval_ms = " << o.publish_ms
      << "\nshed_after_s = " << o.shed_after_s << "\n"
      << (o.picture_store_s > 0
              ? "picture_store_interval_s = " + std::to_string(o.picture_store_s) + "\n"
              : std::string())
      << (o.fusion_threads > 0 ? "threads = " + std::to_string(o.fusion_threads) + "\n"
                               : std::string())
      << (o.background.empty() ? std::string()
                               : "background_priority = " + Quoted(o.background) + "\n")
      << "[[audience]]\nname = \"us-analyst\"\nclearance = \"SECRET\"\nnationality = \"USA\"\n"
      << "[[audience]]\nname = \"jpn-analyst\"\nclearance = \"SECRET\"\nnationality = \"JPN\"\n"
      << "[[user]]\nname = \"us-analyst\"\naudience = \"us-analyst\"\npassword = \"" << kUsPassword
      << "\"\n"
      << "[[user]]\nname = \"jpn-analyst\"\naudience = \"jpn-analyst\"\npassword = \""
      << kJpnPassword << "\"\n"
      << "[[user]]\nname = \"admin\"\nrole = \"admin\"\naudience = \"us-analyst\"\npassword = \""
      << kAdminPassword << "\"\n";
  for (const sim::WireSourceConfig& w : sources) {
    const app::FeedSourceConfig s = Labelled(w);
    out << "[[feed]]\nname = " << Quoted(s.source)
        << "\nformat = " << Quoted(std::string(sim::WireFormatName(s.format))) << "\ntransport = \""
        << (w.transport == sim::WireTransport::kUdp ? "udp" : "tcp-server")
        << "\"\nlisten = \"127.0.0.1:0\"\nlabel = " << Quoted(s.label_text) << "\n";
    if (!s.sensor.empty()) out << "sensor = " << Quoted(s.sensor) << "\n";
    if (s.range_sigma_m > 0) out << "range_sigma_m = " << s.range_sigma_m << "\n";
    if (s.azimuth_sigma_deg > 0) out << "azimuth_sigma_deg = " << s.azimuth_sigma_deg << "\n";
    if (s.beast_gps_timestamps) out << "beast_gps_timestamps = true\n";
    for (const auto& site : s.sites) {
      out << fmt::format(
          "[[feed.site]]\nsac = {}\nsic = {}\nlat = {:.9f}\nlon = {:.9f}\nalt = {:.3f}\n", site.sac,
          site.sic, site.position.latitude_deg, site.position.longitude_deg,
          site.position.altitude_m);
    }
  }
}

// ---- the run ---------------------------------------------------------------------------------

struct Sample {
  Metrics metrics;
  Json sources;
  SourceTotals totals;
  double node_cpu_s = 0;
  std::map<std::string, ThreadTimes> thread_cpu_s;
  double bench_cpu_s = 0;
  uint64_t sent_records = 0;
  uint64_t sent_bytes = 0;
  uint64_t generated_observations = 0;
  Steady::time_point at;
};

// `biac audit verify` of the node's audit log (data_dir "data" beside the config), with the
// public half of the key the node made on first start.
struct AuditCheck {
  bool verified = false;
  uint64_t entries = 0;
  std::string report;  // the command's JSON, or why it could not run
};

AuditCheck VerifyAudit(const std::string& biac, const std::string& dir) {
  AuditCheck check;
  const std::string command = fmt::format("'{}' audit verify '{}/data/audit.log' --key "
                                          "'{}/data/audit.key.pub' 2>&1",
                                          biac, dir, dir);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    check.report = fmt::format("popen: {}", std::strerror(errno));
    return check;
  }
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    check.report.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  const Json report = Json::parse(check.report, nullptr, false);
  check.verified = status == 0 && report.is_object() && report.value("ok", false);
  if (report.is_object()) check.entries = report.value("entries", uint64_t{0});
  return check;
}

int Run(const Options& o) {
  const std::string dir =
      o.dir.empty() ? (fs::temp_directory_path() / fmt::format("biac-load-{}", ::getpid())).string()
                    : o.dir;
  fs::remove_all(dir);
  fs::create_directories(dir);
  const Clock& clock = SystemClock::Instance();

  // The generator starts now (data time = send wall time at speed 1).
  sim::LoadOptions load;
  load.tracks = o.tracks;
  load.observations_per_second = o.rate;
  load.radars = o.radars;
  load.radar_period_s = o.radar_period_s;
  load.radar_sectors = o.radar_sectors;
  const Timestamp start = clock.Now() + std::chrono::seconds(1);
  load.start = start;
  auto generator = sim::LoadGenerator::Create(load);
  if (!generator.ok()) {
    std::cerr << "node_load: " << generator.error().message() << "\n";
    return 1;
  }
  SharedLoad shared(std::move(generator).value(), start);
  shared.StartReference();
  const std::string config = dir + "/node.toml";
  WriteConfig(config, shared.sources(), o);

  e2e::NodeProcess node(o.biac, config);
  if (const Status s = node.Start(); !s.ok()) {
    std::cerr << "node_load: " << s.message() << "\n";
    return 1;
  }
  const pid_t pid = node.pid();
  net::TlsClientOptions tls;
  tls.ca_file = node.ca_file();
  AdminApi api(node.api_port(), tls);
  std::cerr << fmt::format(
      "node_load: node pid {} api port {}; {} ships, {} aircraft, {} radars, "
      "planned {:.0f} obs/s\n",
      pid, node.api_port(), shared.plan().ships, shared.plan().aircraft, shared.plan().radars,
      shared.plan().total_observations());

  // Feeders: one per source, so that a blocked TCP feed or a slow step never delays another.
  std::vector<std::unique_ptr<app::Feeder>> feeders;
  std::vector<std::string> feeder_sources;
  for (size_t k = 0; k < shared.sources().size(); ++k) {
    const sim::WireSourceConfig& w = shared.sources()[k];
    const uint16_t port = node.feed_port(w.source);
    if (port == 0) {
      std::cerr << "node_load: the node printed no port for feed " << w.source << "\n";
      return 1;
    }
    auto feeder = app::Feeder::Start({{w.source, w.transport, "127.0.0.1", port}},
                                     shared.SourceFor(k), start, start, 1.0, &clock);
    if (!feeder.ok()) {
      std::cerr << "node_load: " << feeder.error().message() << "\n";
      return 1;
    }
    feeders.push_back(std::move(feeder).value());
    feeder_sources.push_back(w.source);
  }
  const Steady::time_point t0 = Steady::now();

  // Clients, half per audience.
  std::atomic<bool> measuring{false};
  const std::string target = "/api/v1/stream?encoding=" + o.encoding;
  std::vector<std::unique_ptr<ClientRunner>> clients;
  for (int i = 0; i < o.clients; ++i) {
    const bool us = i % 2 == 0;
    clients.push_back(std::make_unique<ClientRunner>(us ? kUsAnalyst : kJpnAnalyst,
                                                     us ? kUsPassword : kJpnPassword, target,
                                                     node.api_port(), tls, &measuring));
    clients.back()->Start();
  }

  uint64_t rss_max_run = 0, rss_max_window = 0;
  double depth_max = 0, store_depth_max = 0, tracks_max = 0, tracks_min = -1;
  auto take_sample = [&]() {
    Sample s;
    s.at = Steady::now();
    s.node_cpu_s = ProcCpuSeconds(pid);
    s.thread_cpu_s = ThreadCpuSeconds(pid);
    s.bench_cpu_s = SelfCpuSeconds();
    for (const auto& f : feeders) {
      s.sent_records += f->stats().records;
      s.sent_bytes += f->stats().bytes;
    }
    s.generated_observations = shared.observations();
    if (auto m = api.Metrics(); m.ok()) s.metrics = std::move(m).value();
    if (auto j = api.Sources(); j.ok()) s.sources = std::move(j).value();
    s.totals = Totals(s.sources);
    return s;
  };
  auto monitor = [&](Steady::time_point until, bool window) {
    while (Steady::now() < until) {
      std::this_thread::sleep_for(std::min<Steady::duration>(kSamplePeriod, until - Steady::now()));
      const uint64_t rss = ProcResidentBytes(pid);
      rss_max_run = std::max(rss_max_run, rss);
      if (!window) continue;
      rss_max_window = std::max(rss_max_window, rss);
      if (auto m = api.Metrics(); m.ok()) {
        depth_max = std::max(depth_max, Sum(*m, "biac_ingest_queue_depth"));
        store_depth_max = std::max(store_depth_max, Sum(*m, "biac_store_queue_depth"));
        const double tracks = Sum(*m, "biac_tracks");
        tracks_max = std::max(tracks_max, tracks);
        tracks_min = tracks_min < 0 ? tracks : std::min(tracks_min, tracks);
      }
    }
  };

  monitor(
      t0 + std::chrono::duration_cast<Steady::duration>(std::chrono::duration<double>(o.warmup_s)),
      false);
  const Sample before = take_sample();
  const double load_before = LoadAverage();
  measuring = true;
  monitor(before.at + std::chrono::duration_cast<Steady::duration>(
                          std::chrono::duration<double>(o.duration_s)),
          true);
  measuring = false;
  const Sample after = take_sample();
  const double load_after = LoadAverage();
  const double window_s = Seconds(after.at - before.at);
  std::cerr << "node_load: measurement done, stopping the clients and the feeders\n";

  // Clients first (their CPU is the node's), then the feeders at one send time.
  for (auto& c : clients) c->Stop();
  shared.EndAt(clock.Now() + kStopLead);
  const Steady::time_point stop_at = Steady::now();
  for (bool all = false; !all && Steady::now() - stop_at < std::chrono::seconds(30);) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    all = true;
    for (const auto& f : feeders) all = all && f->stats().finished;
  }
  shared.WaitReference();
  std::map<std::string, app::FeederStats> sent;
  std::map<std::string, uint64_t> expected;
  uint64_t expected_total = 0;
  for (size_t k = 0; k < feeders.size(); ++k) {
    feeders[k]->Stop();
    sent[feeder_sources[k]] = feeders[k]->stats();
    expected[feeder_sources[k]] = shared.reference_observations(k);
    expected_total += shared.reference_observations(k);
  }
  const uint64_t generated = shared.observations();

  // Settle: everything decoded acknowledged, and nothing more arriving.
  const Steady::time_point settle_start = Steady::now();
  bool settled = false;
  uint64_t last_observations = std::numeric_limits<uint64_t>::max();
  int stable = 0;
  while (Steady::now() - settle_start < kSettleTimeout) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto j = api.Sources();
    if (!j.ok()) continue;
    const SourceTotals t = Totals(*j);
    stable = t.observations == last_observations ? stable + 1 : 0;
    last_observations = t.observations;
    if (t.acknowledged == t.observations && stable >= 2) {
      settled = true;
      break;
    }
  }
  const double settle_s = Seconds(Steady::now() - settle_start);
  Json final_sources = Json::array();
  if (auto j = api.Sources(/*stored=*/true); j.ok()) final_sources = std::move(j).value();
  const SourceTotals final_totals = Totals(final_sources);
  Metrics final_metrics;
  if (auto m = api.Metrics(); m.ok()) final_metrics = std::move(m).value();
  const uint64_t rss_end = ProcResidentBytes(pid);
  const int exit_code = node.Stop();
  // The issue asks that the audit log verifies after the load: every request of the run (the
  // clients' stream upgrades, the bench's API calls) is in it.
  const AuditCheck audit = VerifyAudit(o.biac, dir);

  // ---- figures ----
  MsHistogram all, sea, air, unthrottled;
  Json client_errors = Json::array();
  uint64_t connected = 0, window_messages = 0, window_bytes = 0;
  int64_t worst_client_p99 = 0;
  std::map<int64_t, std::pair<uint64_t, uint64_t>> by_second;
  for (const auto& c : clients) {
    const ClientResult& r = c->result();
    for (const auto& [second, counts] : r.by_second) {
      by_second[second].first += counts.first;
      by_second[second].second += counts.second;
    }
    all.Merge(r.all);
    sea.Merge(r.sea);
    air.Merge(r.air);
    unthrottled.Merge(r.unthrottled);
    connected += r.connected ? 1 : 0;
    window_messages += r.window_messages;
    window_bytes += r.window_bytes;
    worst_client_p99 = std::max(worst_client_p99, r.all.Quantile(0.99));
    if (!r.error.empty()) client_errors.push_back(r.error);
  }

  Json per_source = Json::object();
  uint64_t lost_records = 0;
  for (const Json& s : final_sources) {
    const std::string name = s.value("name", "");
    const app::FeederStats& f = sent[name];
    const uint64_t received = s.value("records", uint64_t{0});
    if (f.records > received) lost_records += f.records - received;
    per_source[name] = Json{{"sent_records", f.records},
                            {"reference_observations", expected[name]},
                            {"sent_bytes", f.bytes},
                            {"send_errors", f.send_errors},
                            {"node_records", received},
                            {"node_errors", s.value("errors", uint64_t{0})},
                            {"node_framing_errors", s.value("framing_errors", uint64_t{0})},
                            {"node_observations", s.value("observations", uint64_t{0})},
                            {"acknowledged", s.value("acknowledged", uint64_t{0})},
                            {"stored", s.value("stored", uint64_t{0})},
                            {"kernel_drops", s.value("kernel_drops", uint64_t{0})}};
  }
  const double node_obs_rate =
      static_cast<double>(after.totals.observations - before.totals.observations) / window_s;
  const double node_records_rate =
      static_cast<double>(after.totals.records - before.totals.records) / window_s;
  const double sent_records_rate =
      static_cast<double>(after.sent_records - before.sent_records) / window_s;
  const double generated_rate =
      static_cast<double>(after.generated_observations - before.generated_observations) / window_s;
  const double node_cpu = (after.node_cpu_s - before.node_cpu_s) / window_s * 100.0;
  // Per node thread, busiest first: [% of one core running, % of the window runnable but
  // waiting for a core].
  std::vector<std::array<double, 2>> thread_cpu;
  for (const auto& [tid, times] : after.thread_cpu_s) {
    auto it = before.thread_cpu_s.find(tid);
    const ThreadTimes start = it == before.thread_cpu_s.end() ? ThreadTimes{} : it->second;
    thread_cpu.push_back(
        {std::round((times.cpu_s - start.cpu_s) / window_s * 100.0),
         std::round((times.runqueue_wait_s - start.runqueue_wait_s) / window_s * 100.0)});
  }
  std::sort(thread_cpu.rbegin(), thread_cpu.rend());
  if (thread_cpu.size() > 5) thread_cpu.resize(5);
  const double bench_cpu = (after.bench_cpu_s - before.bench_cpu_s) / window_s * 100.0;
  // Lost: what the node's decoder makes of the bytes sent, against what the node decoded.
  const int64_t lost_observations =
      static_cast<int64_t>(expected_total) -
      static_cast<int64_t>(final_totals.observations + final_totals.errors);
  const uint64_t kernel_drops =
      static_cast<uint64_t>(Sum(final_metrics, "biac_feed_kernel_drops_total"));
  const Json audience_tracks = [&] {
    Json j = Json::object();
    for (const auto& [key, value] : after.metrics) {
      if (key.starts_with("biac_tracks{")) j[key.substr(12, key.size() - 13)] = value;
    }
    return j;
  }();

  // The share of each second's updates over 100 ms, in order (the window's seconds only).
  Json over_by_second = Json::array();
  int seconds_over_1pc = 0;
  for (const auto& [second, counts] : by_second) {
    if (counts.first == 0) continue;
    const double pc =
        100.0 * static_cast<double>(counts.second) / static_cast<double>(counts.first);
    over_by_second.push_back(std::round(pc * 10) / 10);
    seconds_over_1pc += pc > 1 ? 1 : 0;
  }
  const Json figures{
      {"config",
       {{"rate", o.rate},
        {"tracks", o.tracks},
        {"clients", o.clients},
        {"duration_s", o.duration_s},
        {"warmup_s", o.warmup_s},
        {"encoding", o.encoding},
        {"radar_period_s", o.radar_period_s},
        {"radar_sectors", o.radar_sectors},
        {"lag_s", o.lag_s},
        {"late_s", o.late_s},
        {"shed_after_s", o.shed_after_s},
        {"picture_store_interval_s", o.picture_store_s},
        {"publish_interval_ms", o.publish_ms},
        {"live_pending", o.live_pending},
        {"plan",
         {{"ships", shared.plan().ships},
          {"aircraft", shared.plan().aircraft},
          {"radars", shared.plan().radars},
          {"ais_obs_per_s", shared.plan().ais_observations},
          {"adsb_obs_per_s", shared.plan().adsb_observations},
          {"radar_obs_per_s", shared.plan().radar_observations}}}}},
      {"window_s", window_s},
      {"sent",
       {{"records_per_s", sent_records_rate},
        {"generated_observations_per_s", generated_rate},
        {"bytes_per_s", static_cast<double>(after.sent_bytes - before.sent_bytes) / window_s}}},
      {"node",
       {{"observations_per_s", node_obs_rate},
        {"records_per_s", node_records_rate},
        {"tracks", audience_tracks},
        {"tracks_sum_min", tracks_min},
        {"tracks_sum_max", tracks_max},
        {"rss_max_mb_window", static_cast<double>(rss_max_window) / 1e6},
        {"rss_max_mb_run", static_cast<double>(rss_max_run) / 1e6},
        {"rss_end_mb", static_cast<double>(rss_end) / 1e6},
        {"cpu_percent_of_one_core", node_cpu},
        {"busiest_threads_cpu_and_runqueue_wait_percent", thread_cpu},
        {"ingest_queue_depth_max_sampled", depth_max},
        {"ingest_queue_max_depth", Sum(after.metrics, "biac_ingest_queue_max_depth")},
        {"ingest_queue_limit", Sum(after.metrics, "biac_ingest_queue_limit")},
        {"ingest_blocked_s", Sum(after.metrics, "biac_ingest_queue_blocked_seconds_total") -
                                 Sum(before.metrics, "biac_ingest_queue_blocked_seconds_total")},
        {"store_queue_depth_max_sampled", store_depth_max},
        {"store_commits_per_s", (Sum(after.metrics, "biac_store_commits_total") -
                                 Sum(before.metrics, "biac_store_commits_total")) /
                                    window_s},
        {"store_last_commit_ms", Sum(after.metrics, "biac_store_last_commit_seconds") * 1000.0},
        {"fusion_applied_late_per_s_all_audiences",
         (Sum(after.metrics, "biac_fusion_applied_late_total") -
          Sum(before.metrics, "biac_fusion_applied_late_total")) /
             window_s},
        {"fusion_shed_per_s",
         (Sum(after.metrics, "biac_fusion_shed_total") -
          Sum(before.metrics, "biac_fusion_shed_total")) /
             window_s},
        {"fusion_too_late_per_s_all_audiences",
         (Sum(after.metrics, "biac_fusion_too_late_total") -
          Sum(before.metrics, "biac_fusion_too_late_total")) /
             window_s},
        {"stream_skipped_rounds", Sum(after.metrics, "biac_stream_skipped_rounds_total") -
                                      Sum(before.metrics, "biac_stream_skipped_rounds_total")},
        {"publish_duration",
         HistogramDelta(before.metrics, after.metrics, "biac_publish_duration_seconds")},
        {"observation_to_client",
         HistogramDelta(before.metrics, after.metrics, "biac_observation_to_client_seconds")},
        {"exit_code", exit_code},
        {"audit", {{"verified", audit.verified}, {"entries", audit.entries},
                   {"report", audit.report}}}}},
      {"latency",
       {{"all", all.ToJson()},
        {"sea", sea.ToJson()},
        {"air", air.ToJson()},
        {"not_held_by_stream_limit", unthrottled.ToJson()},
        {"worst_client_p99_ms", worst_client_p99},
        {"percent_over_100ms_by_second", over_by_second}}},
      {"clients",
       {{"connected", connected},
        {"messages_per_s", static_cast<double>(window_messages) / window_s},
        {"bytes_per_s", static_cast<double>(window_bytes) / window_s},
        {"errors", client_errors}}},
      {"loss",
       {{"generated_observations", generated},
        {"reference_observations", expected_total},
        {"node_observations", final_totals.observations},
        {"node_errors", final_totals.errors},
        {"acknowledged", final_totals.acknowledged},
        {"stored", final_totals.stored},
        {"lost_observations", lost_observations},
        {"records_sent_not_received", lost_records},
        {"kernel_drops", kernel_drops},
        {"settled", settled},
        {"settle_s", settle_s},
        {"per_source", per_source}}},
      {"bench_cpu_percent_of_one_core", bench_cpu},
      {"machine_load_average", {load_before, load_after}},
      {"generator_status", shared.status().ok() ? "ok" : shared.status().message()}};
  std::cout << figures.dump() << "\n";

  const bool rate_ok = node_obs_rate >= 0.98 * o.rate;
  const bool latency_ok = all.count() > 0 && all.Quantile(0.99) <= 100;
  const bool memory_ok = rss_max_run <= 500'000'000;
  const bool loss_ok = settled && lost_observations == 0 && kernel_drops == 0 &&
                       final_totals.acknowledged == final_totals.observations &&
                       final_totals.stored == final_totals.observations;
  std::cout << fmt::format(
      "\nnode load: {} tracks ({} ships, {} aircraft, {} radars), {} clients ({}), {:.0f} s after "
      "{:.0f} s warm-up\n"
      "  sent        {:.0f} records/s, generator {:.0f} obs/s (aimed {:.0f})\n"
      "  node        {:.0f} obs/s decoded [{}], {:.0f} records/s; tracks per audience {}\n"
      "  latency     p50 {} ms, p90 {} ms, p99 {} ms, max {} ms over {} updates [{}]\n"
      "              sea p99 {} ms, air p99 {} ms; updates not held by the 1/s stream limit: "
      "p50 {} ms, p99 {} ms ({}); node histogram p99 <= {} ms\n"
      "  memory      max {:.0f} MB resident [{}]; node CPU {:.0f}% of a core (busiest threads "
      "[running %, waiting for a core %]: {}), "
      "bench {:.0f}%; load average {:.1f} -> {:.1f}\n"
      "  node queues ingest depth max {:.0f} (limit {:.0f}), blocked {:.1f} s; store depth max "
      "{:.0f}; publish mean {:.1f} ms, p99 <= {} ms\n"
      "  loss        generated {} (reference decode of what was sent: {}), node decoded {} + {} "
      "errors, acknowledged {}, stored {}, kernel drops {}: lost {} [{}]\n",
      o.tracks, shared.plan().ships, shared.plan().aircraft, shared.plan().radars, connected,
      o.encoding, window_s, o.warmup_s, sent_records_rate, generated_rate, o.rate, node_obs_rate,
      rate_ok ? "ok" : "SHORT", node_records_rate, audience_tracks.dump(), all.Quantile(0.5),
      all.Quantile(0.9), all.Quantile(0.99), all.ToJson()["max_ms"].get<int64_t>(), all.count(),
      latency_ok ? "ok" : "OVER 100 ms", sea.Quantile(0.99), air.Quantile(0.99),
      unthrottled.Quantile(0.5), unthrottled.Quantile(0.99), unthrottled.count(),
      figures["node"]["observation_to_client"]["p99_le_ms"].dump(),
      static_cast<double>(rss_max_run) / 1e6, memory_ok ? "ok" : "OVER 500 MB", node_cpu,
      Json(thread_cpu).dump(), bench_cpu, load_before, load_after, depth_max,
      Sum(after.metrics, "biac_ingest_queue_limit"),
      figures["node"]["ingest_blocked_s"].get<double>(), store_depth_max,
      figures["node"]["publish_duration"]["mean_ms"].get<double>(),
      figures["node"]["publish_duration"]["p99_le_ms"].dump(), generated, expected_total,
      final_totals.observations, final_totals.errors, final_totals.acknowledged,
      final_totals.stored, kernel_drops, lost_observations, loss_ok ? "ok" : "LOSS");
  std::cout << fmt::format(
      "  by second   updates over 100 ms, % of each second (>1 % in {} of {} s): {}\n",
      seconds_over_1pc, over_by_second.size(), over_by_second.dump());
  std::cout << fmt::format(
      "  fusion      observations/s (all audiences) that arrived after lag_s {}: {:.0f} applied "
      "late (within late_s {}), {:.0f} too late (stored only, not fused); {:.0f} shed "
      "(waited over shed_after_s {}: stored only)\n",
      o.lag_s, figures["node"]["fusion_applied_late_per_s_all_audiences"].get<double>(), o.late_s,
      figures["node"]["fusion_too_late_per_s_all_audiences"].get<double>(),
      figures["node"]["fusion_shed_per_s"].get<double>(), o.shed_after_s);
  std::cout << fmt::format("  audit       {} ({} entries; biac audit verify)\n",
                           audit.verified ? "verified" : "NOT VERIFIED", audit.entries);
  if (!audit.verified) std::cout << "  audit report: " << audit.report << "\n";
  if (!client_errors.empty()) std::cout << "  client errors: " << client_errors.dump() << "\n";
  if (!o.keep) fs::remove_all(dir);
  return rate_ok && latency_ok && memory_ok && loss_ok && audit.verified ? 0 : 2;
}

}  // namespace
}  // namespace biac::bench

int main(int argc, char** argv) {
  auto options = biac::bench::ParseOptions(argc, argv);
  if (!options.ok()) {
    std::cerr << "node_load: " << options.error().message()
              << "\nusage: node_load --biac PATH [--rate 50000] [--tracks 20000] [--clients 50] "
                 "[--duration 60] [--warmup 15] [--encoding binary|json] [--radars 5] "
                 "[--radar-period 3] [--radar-sectors 128] [--lag 0.02] [--late 1] [--shed 1] "
                 "[--publish-ms 20] [--picture-store S] [--live-pending] [--fusion-threads N]\n"
                 "  [--background idle|low|normal] [--dir DIR] [--keep]\n";
    return 1;
  }
  return biac::bench::Run(*options);
}
