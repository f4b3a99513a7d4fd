#include "biac/app/node.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "biac/api/audit_sink.h"
#include "biac/api/auth/accounts.h"
#include "biac/api/export/export.h"
#include "biac/api/picture_hub.h"
#include "biac/api/prometheus.h"
#include "biac/api/sensors.h"
#include "biac/api/service.h"
#include "biac/api/stream.h"
#include "biac/app/feed_decode.h"
#include "biac/app/feed_ingest.h"
#include "biac/base/log.h"
#include "biac/fusion/release.h"
#include "biac/labels/label.h"
#include "biac/net/feed/feed.h"
#include "biac/net/feed/framer.h"
#include "biac/net/feed/framing_handler.h"
#include "biac/net/http/server.h"
#include "biac/net/http/tls.h"
#include "biac/net/http/tls_stream.h"
#include "biac/storage/postgres_store.h"
#include "biac/storage/store.h"
#include "biac/base/thread.h"

namespace biac::app {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr size_t kReplayBatch = 20000;
constexpr double kQueueDegradedFraction = 0.8;
// The health stays degraded this long after observations were last shed.
constexpr Duration kShedRecent = std::chrono::seconds(10);

Duration FromSecondsDuration(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

// Resident set size of this process in bytes (/proc/self/statm, proc(5)).
uint64_t ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

class Node::Impl {
 public:
  Impl(ServeConfig config, const Clock* clock)
      : config_(std::move(config)), clock_(clock), queue_(config_.queue_limit) {}

  Status Start();
  void Stop();
  const NodeEndpoints& endpoints() const { return endpoints_; }
  std::vector<std::pair<std::string, size_t>> TrackCounts() const {
    std::vector<std::pair<std::string, size_t>> out;
    std::lock_guard lock(counters_mutex_);
    for (size_t i = 0; i < track_counts_.size(); ++i) {
      out.emplace_back(config_.audiences[i].name, track_counts_[i]);
    }
    return out;
  }
  std::vector<Node::FeedCounts> Feeds() const {
    std::vector<Node::FeedCounts> out;
    std::lock_guard lock(ack_mutex_);
    for (size_t i = 0; i < ingests_.size(); ++i) {
      out.push_back({config_.feeds[i].source.source, ingests_[i]->stats().observations, fused_[i],
                     shed_[i], acknowledged_[i]});
    }
    return out;
  }

 private:
  Status StartTls(net::TlsFiles& files);
  Status LoadAccounts();
  Status Replay();
  void FusionLoop();
  void Ingest(std::deque<IngestQueue::Batch>& batches);
  void Publish(Timestamp now);
  void PictureStoreLoop();
  void Acknowledge();
  void CotLoop();
  Json Sources(bool with_stored) const;
  Json Health() const;
  std::string Metrics() const;

  ServeConfig config_;
  const Clock* clock_;
  NodeEndpoints endpoints_;

  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<api::AuditSink> audit_;
  api::AccountDirectory accounts_;
  std::unique_ptr<api::PictureHub> hub_;
  std::unique_ptr<api::Streamer> streamer_;
  api::SensorBoard sensors_;  // UAV footprints and GMTI detections (GET /api/v1/sensors)
  std::unique_ptr<api::ApiService> service_;
  std::unique_ptr<net::HttpServer> http_;
  std::unique_ptr<net::TlsStreamServer> cot_server_;

  IngestQueue queue_;
  std::vector<std::unique_ptr<FeedIngest>> ingests_;
  std::vector<std::unique_ptr<net::FeedListener>> listeners_;

  std::unique_ptr<fusion::MultiAudienceFusion> fusion_;
  std::thread fusion_thread_;
  // Writes each audience's latest picture to the store every picture_store_interval_s, off
  // the fusion thread (encoding a large picture takes long).
  std::thread picture_store_thread_;
  std::mutex picture_store_mutex_;
  std::condition_variable picture_store_wake_;
  std::atomic<bool> picture_store_stop_{false};
  std::thread cot_thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  uint64_t next_id_ = 1;
  Timestamp last_ingest_;  // fusion thread: when a batch was last taken from the queue

  // Acknowledgement bookkeeping (fusion thread writes, others read under ack_mutex_).
  struct Pending {
    uint64_t last_id;
    size_t source;
    uint64_t count;
  };
  std::deque<Pending> unacknowledged_;
  mutable std::mutex ack_mutex_;
  std::vector<uint64_t> acknowledged_;  // per feed
  std::vector<uint64_t> fused_;         // per feed: observations handed to fusion
  std::vector<uint64_t> shed_;          // per feed: stored but not fused (overload)
  Timestamp last_shed_;                 // when observations were last shed
  std::atomic<uint64_t> replayed_{0};
  std::atomic<uint64_t> publications_{0};
  api::LatencyHistogram publish_duration_;
  std::atomic<size_t> tracks_total_{0};
  mutable std::mutex counters_mutex_;
  std::vector<fusion::EngineCounters> engine_counters_;
  std::vector<size_t> track_counts_;

  // CoT out sessions.
  struct CotClient {
    std::shared_ptr<net::StreamSession> session;
    size_t audience;
    std::string user;
    std::unordered_map<uint64_t, int64_t> sent;  // track id -> data time sent
  };
  std::mutex cot_mutex_;
  std::vector<CotClient> cot_clients_;
  std::atomic<uint64_t> cot_events_{0};
};

Status Node::Impl::StartTls(net::TlsFiles& files) {
  if (!config_.certificate.empty()) {
    files.certificate_chain = config_.certificate;
    files.private_key = config_.private_key;
    files.client_ca = config_.client_ca;
    endpoints_.ca_certificate = config_.client_ca;
    return Status::Ok();
  }
  auto ca = net::EnsureLocalCa(config_.tls_dir, config_.tls_names);
  if (!ca.ok()) return ca.status();
  files = net::ServerTlsFiles(*ca);
  if (!config_.client_ca.empty()) files.client_ca = config_.client_ca;
  endpoints_.ca_certificate = ca->ca_certificate;
  endpoints_.created_ca = ca->created;
  return Status::Ok();
}

Status Node::Impl::LoadAccounts() {
  auto profile_of = [&](const std::string& audience) -> const labels::User* {
    for (const auto& a : config_.audiences) {
      if (a.name == audience) return &a.user;
    }
    return nullptr;
  };
  // Accounts an administrator made through the API, then the configured ones (which win).
  auto stored = store_->ListAccounts();
  if (!stored.ok()) return stored.status();
  for (const auto& row : *stored) {
    api::Account account;
    account.name = row.name;
    auto role = api::ParseRole(row.role);
    auto user = labels::ParseUser(row.profile_json);
    if (!role.ok() || !user.ok()) {
      log::Warning("{}: stored account {} is unreadable; skipped", config_.store.path, row.name);
      continue;
    }
    account.role = *role;
    account.profile = *user;
    account.password_hash = row.password_hash;
    account.certificate_subject = row.certificate_subject;
    account.disabled = row.disabled;
    if (const Status s = accounts_.Add(account); !s.ok()) {
      log::Warning("stored account {}: {}", row.name, s.message());
    }
  }
  for (const UserConfig& u : config_.users) {
    api::Account account;
    account.name = u.name;
    account.role = u.role;
    account.profile = *profile_of(u.audience);
    account.certificate_subject = u.certificate_subject;
    if (!u.password_hash.empty()) {
      account.password_hash = u.password_hash;
    } else if (!u.password.empty()) {
      auto hash = api::HashPassword(u.password, api::DefaultPasswordCost());
      if (!hash.ok()) return hash.status();
      account.password_hash = *hash;
    }
    Status s = accounts_.Find(u.name) ? accounts_.Update(account) : accounts_.Add(account);
    if (!s.ok()) return InvalidArgument(fmt::format("{}: user {}: {}", config_.file, u.name, s.message()));
  }
  auto tokens = store_->ListTokens("");
  if (!tokens.ok()) return tokens.status();
  std::vector<api::TokenRecord> records;
  for (const auto& t : *tokens) {
    records.push_back({t.id, t.secret_hash, t.user, t.description, t.created, t.expires, t.revoked});
  }
  accounts_.LoadTokens(std::move(records));
  return Status::Ok();
}

Status Node::Impl::Replay() {
  auto max_id = store_->MaxObservationId();
  if (!max_id.ok()) return max_id.status();
  next_id_ = *max_id + 1;
  if (*max_id == 0 || config_.restart_replay_s <= 0) return Status::Ok();
  const Timestamp from = clock_->Now() - FromSecondsDuration(config_.restart_replay_s);
  uint64_t after = 0;
  Timestamp last_arrival;
  bool any = false;
  while (true) {
    auto batch = store_->ObservationsSince(from, after, kReplayBatch);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    fusion_->BeginBatch();
    for (const storage::StoredObservation& s : *batch) {
      fusion_->Add(s.observation, s.arrival);
      sensors_.Add(std::span(&s.observation, 1), s.arrival);
      after = s.observation.id;
      last_arrival = s.arrival;
      any = true;
    }
    fusion_->EndBatch();
    replayed_ += batch->size();
  }
  if (any) fusion_->AdvanceClock(last_arrival);
  log::Info("replayed {} stored observations (arrived since {}); numbering resumes at {}",
            replayed_.load(), from.ToIso8601(), next_id_);
  return Status::Ok();
}

Status Node::Impl::Start() {
  std::error_code ec;
  fs::create_directories(config_.data_dir, ec);
  if (ec) return FailedPrecondition(fmt::format("{}: cannot create: {}", config_.data_dir, ec.message()));
  ::chmod(config_.data_dir.c_str(), 0700);

  net::TlsFiles tls;
  BIAC_RETURN_IF_ERROR(StartTls(tls));
  endpoints_.tls_dir = config_.tls_dir;

  // The store writer is one of the node's background threads (serve_config.h).
  config_.store.writer_priority = config_.background_priority;
  auto store = config_.store_backend == "postgresql"
                   ? storage::OpenPostgres(
                         storage::PostgresOptionsFrom(config_.store, config_.store_url))
                   : storage::OpenSqlite(config_.store);
  if (!store.ok()) return store.status();
  store_ = std::move(store).value();
  auto audit = api::AuditSink::Open(config_.audit_path, config_.audit_key_path, config_.audit_origin);
  if (!audit.ok()) return audit.status();
  audit_ = std::move(audit).value();
  BIAC_RETURN_IF_ERROR(LoadAccounts());

  std::vector<fusion::Audience> audiences;
  std::vector<std::string> names;
  std::vector<api::AudienceProfile> profiles;
  for (const auto& a : config_.audiences) {
    audiences.push_back({a.name, a.user});
    names.push_back(a.name);
    profiles.push_back({a.name, a.user});
  }
  fusion_ = std::make_unique<fusion::MultiAudienceFusion>(audiences, config_.engine,
                                                          config_.fusion_threads);
  engine_counters_.resize(audiences.size());
  track_counts_.resize(audiences.size());
  acknowledged_.assign(config_.feeds.size(), 0);
  fused_.assign(config_.feeds.size(), 0);
  shed_.assign(config_.feeds.size(), 0);
  BIAC_RETURN_IF_ERROR(Replay());

  hub_ = std::make_unique<api::PictureHub>(names);
  streamer_ = std::make_unique<api::Streamer>(hub_.get(), clock_, api::StreamOptions{});
  Publish(clock_->Now());
  picture_store_thread_ = std::thread([this] { PictureStoreLoop(); });

  api::ApiContext context;
  context.node_name = config_.node_name;
  context.audiences = profiles;
  context.accounts = &accounts_;
  context.store = store_.get();
  context.hub = hub_.get();
  context.streamer = streamer_.get();
  context.sensors = &sensors_;
  context.audit = audit_.get();
  context.clock = clock_;
  context.web_root = config_.web_root;
  context.sources = [this](bool with_stored) { return Sources(with_stored); };
  context.health = [this] { return Health(); };
  context.metrics = [this] { return Metrics(); };
  service_ = std::make_unique<api::ApiService>(std::move(context));

  net::HttpServerOptions http_options;
  http_options.address = config_.api_address;
  http_options.port = config_.api_port;
  http_options.tls = tls;
  http_options.threads = config_.api_threads;
  auto http = net::HttpServer::Start(
      http_options, [this](const net::HttpRequest& r) { return service_->Handle(r); },
      [this](const net::HttpRequest& r, std::shared_ptr<net::WebSocketSession> s,
             net::HttpResponse& refusal) { return service_->Upgrade(r, std::move(s), refusal); });
  if (!http.ok()) return http.status();
  http_ = std::move(http).value();
  endpoints_.api_port = http_->port();
  endpoints_.api_address = config_.api_address;

  if (config_.cot_out) {
    net::StreamServerOptions cot_options;
    cot_options.address = config_.cot_address;
    cot_options.port = config_.cot_port;
    cot_options.tls = tls;
    cot_options.require_client_certificate = true;
    auto cot = net::TlsStreamServer::Start(
        cot_options,
        [this](const std::string& subject, const std::string& peer,
               std::shared_ptr<net::StreamSession> session) {
          const Timestamp now = clock_->Now();
          api::Credentials credentials{{}, subject, now};
          auto principal = accounts_.Authenticate(credentials);
          const std::string what = "COT-STREAM " + peer;
          if (!principal.ok()) {
            audit_->Decision(now, "anonymous@" + peer, what, {}, false, principal.error().message());
            return false;
          }
          const auto audience = service_->AudienceOf(*principal);
          if (!audience) {
            audit_->Decision(now, principal->user, what, {}, false, "no audience");
            return false;
          }
          audit_->Decision(now, principal->user, what, {}, true,
                           "CoT stream of audience " + config_.audiences[*audience].name);
          std::lock_guard lock(cot_mutex_);
          cot_clients_.push_back({std::move(session), *audience, principal->user, {}});
          return true;
        },
        nullptr);
    if (!cot.ok()) return cot.status();
    cot_server_ = std::move(cot).value();
    endpoints_.cot_port = cot_server_->port();
    cot_thread_ = std::thread([this] { CotLoop(); });
  }

  for (size_t i = 0; i < config_.feeds.size(); ++i) {
    const FeedConfig& feed = config_.feeds[i];
    auto decoder = FeedDecoder::Create(feed.source);
    if (!decoder.ok()) {
      return InvalidArgument(fmt::format("{}: feed {}: {}", config_.file, feed.source.source,
                                         decoder.error().message()));
    }
    ingests_.push_back(std::make_unique<FeedIngest>(feed, i, std::move(decoder).value(), &queue_, clock_));
  }
  fusion_thread_ = std::thread([this] { FusionLoop(); });
  for (size_t i = 0; i < config_.feeds.size(); ++i) {
    auto listener = net::FeedListener::Start(config_.feeds[i].source.source,
                                             config_.feeds[i].endpoint, ingests_[i].get());
    if (!listener.ok()) {
      return InvalidArgument(fmt::format("feed {}: {}", config_.feeds[i].source.source,
                                         listener.error().message()));
    }
    endpoints_.feed_ports.emplace_back(config_.feeds[i].source.source,
                                       (*listener)->bound_port());
    listeners_.push_back(std::move(listener).value());
  }
  return Status::Ok();
}

void Node::Impl::Ingest(std::deque<IngestQueue::Batch>& batches) {
  // Overload shedding: a batch that waited longer than shed_after_s since its arrival is
  // stored and acknowledged but not fused. The fusion thread then catches up with the present
  // instead of fusing an ever older backlog while the queue fills and the listeners block
  // (UDP datagrams would then be lost in the kernel). Shed observations are counted per feed
  // and the health turns degraded; they stay in the store and in replays.
  const Timestamp now = clock_->Now();
  const bool may_shed = config_.shed_after_s > 0;
  const Duration shed_after = FromSecondsDuration(config_.shed_after_s);
  // The views' engines take their shares of all the batches at once (EndBatch).
  fusion_->BeginBatch();
  for (IngestQueue::Batch& batch : batches) {
    for (model::Observation& o : batch.observations) o.id = next_id_++;
    store_->AppendObservations(batch.observations, batch.arrival);
    const bool shed = may_shed && now - batch.arrival > shed_after;
    sensors_.Add(batch.observations, batch.arrival);
    if (!shed) {
      // Handed over: the batch's observations are not read again, only counted.
      for (model::Observation& o : batch.observations) fusion_->Add(std::move(o), batch.arrival);
    }
    std::lock_guard lock(ack_mutex_);
    if (shed) {
      shed_[batch.source] += batch.observations.size();
      last_shed_ = now;
    } else {
      fused_[batch.source] += batch.observations.size();
    }
    unacknowledged_.push_back({next_id_ - 1, batch.source, batch.observations.size()});
  }
  fusion_->EndBatch();
  batches.clear();
}

void Node::Impl::Acknowledge() {
  const uint64_t committed = store_->committed_observation_id();
  std::lock_guard lock(ack_mutex_);
  while (!unacknowledged_.empty() && unacknowledged_.front().last_id <= committed) {
    acknowledged_[unacknowledged_.front().source] += unacknowledged_.front().count;
    unacknowledged_.pop_front();
  }
}

void Node::Impl::PictureStoreLoop() {
  NameThisThread("biac-pictures");
  if (config_.background_priority != ThreadPriority::kNormal) {
    SetThisThreadPriority(config_.background_priority);
  }
  // Each audience's picture is stored once per interval, the audiences in turn spread over
  // it (with two, one every half interval): a picture's rows are a burst of work for the
  // writer (20,000 tracks: 20,000 current rows and as many history rows), and bursts half
  // the size, twice as often, disturb the live picture less (docs/node-load.md, session 11).
  const size_t audiences = config_.audiences.size();
  const Duration every = FromSecondsDuration(config_.picture_store_interval_s /
                                             static_cast<double>(std::max<size_t>(1, audiences)));
  std::vector<uint64_t> stored(audiences, 0);
  const auto store = [&](size_t i) {
    const auto latest = hub_->Latest(i);
    if (latest->version == stored[i]) return;
    // A copy of the shared tracks as the store's value type, in this thread.
    store_->PutPicture(config_.audiences[i].name, fusion::ToPicture(latest->picture));
    stored[i] = latest->version;
  };
  size_t next = 0;
  while (true) {
    if (picture_store_stop_.load()) {
      for (size_t i = 0; i < audiences; ++i) store(i);  // every audience's last picture
      break;
    }
    if (audiences > 0) {
      store(next);
      next = (next + 1) % audiences;
    }
    std::unique_lock lock(picture_store_mutex_);
    picture_store_wake_.wait_for(lock, every, [&] { return picture_store_stop_.load(); });
  }
}

void Node::Impl::Publish(Timestamp now) {
  const auto start = std::chrono::steady_clock::now();
  // The wall clock moves the engines' clocks only when the feeds have been quiet for a
  // publish interval; while observations flow, their arrival times drive the clocks, so that
  // time an observation spent queued (or in a blocked listener) never makes it too late.
  if (now - last_ingest_ >= FromSecondsDuration(config_.publish_interval_s)) {
    fusion_->AdvanceClock(now);
  }
  // Incremental: only the tracks changed since the last publication are rebuilt; the others
  // are the shared objects already in the hub (fusion/shared_picture.h).
  std::vector<fusion::SharedPicture> pictures = fusion_->PublishAll(config_.live_pending);
  size_t total = 0;
  {
    std::lock_guard lock(counters_mutex_);
    for (size_t i = 0; i < pictures.size(); ++i) {
      engine_counters_[i] = fusion_->counters(i);
      track_counts_[i] = pictures[i].tracks.size();
      total += pictures[i].tracks.size();
    }
  }
  tracks_total_ = total;
  for (size_t i = 0; i < pictures.size(); ++i) {
    hub_->Publish(i, std::move(pictures[i]), now);
  }
  ++publications_;
  publish_duration_.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void Node::Impl::FusionLoop() {
  NameThisThread("biac-fusion");
  const Duration publish_every = FromSecondsDuration(config_.publish_interval_s);
  Timestamp next_publish = clock_->Now() + publish_every;
  std::deque<IngestQueue::Batch> batches;
  while (true) {
    const Timestamp now = clock_->Now();
    const Duration wait = next_publish > now ? next_publish - now : Duration(0);
    const bool got = queue_.PopAll(batches, wait);
    if (got) {
      last_ingest_ = clock_->Now();
      Ingest(batches);
    }
    Acknowledge();
    const Timestamp after = clock_->Now();
    if (after >= next_publish) {
      Publish(after);
      next_publish = after + publish_every;
    }
    if (stopping_ && !got) break;
  }
}

Json Node::Impl::Sources(bool with_stored) const {
  Json out = Json::array();
  std::lock_guard lock(ack_mutex_);
  for (size_t i = 0; i < ingests_.size(); ++i) {
    const FeedIngest& f = *ingests_[i];
    const FeedConfig& c = f.config();
    const auto s = f.stats();
    Json entry{{"name", c.source.source},
               {"format", sim::WireFormatName(c.source.format)},
               {"transport", net::TransportName(c.endpoint.transport)},
               {"address", fmt::format("{}:{}", c.endpoint.host,
                                       i < listeners_.size() ? listeners_[i]->bound_port()
                                                             : c.endpoint.port)},
               {"label", c.source.label_text},
               {"records", s.records},
               {"errors", s.errors},
               {"framing_errors", s.framing_errors},
               {"observations", s.observations},
               {"fused", fused_[i]},
               {"shed", shed_[i]},
               {"acknowledged", acknowledged_[i]}};
    if (!s.last_error.empty()) entry["last_error"] = s.last_error;
    if (with_stored) {
      auto stored = store_->CountObservations(c.source.source);
      if (stored.ok()) entry["stored"] = *stored;
    }
    if (i < listeners_.size()) {
      const net::FeedStats fs = listeners_[i]->stats();
      entry["bytes"] = fs.bytes;
      entry["connected"] = fs.connected;
      entry["connections"] = fs.connections_opened;
      entry["kernel_drops"] = fs.kernel_drops;
      if (c.endpoint.transport == net::Transport::kFile) {
        entry["path"] = c.endpoint.path;
        entry["passes"] = fs.passes;
        entry["finished"] = fs.finished;  // read to its end (a replay without loop)
      }
      if (c.endpoint.transport == net::Transport::kTlsServer) {
        entry["tls_failures"] = fs.tls_failures;
      }
    }
    out.push_back(std::move(entry));
  }
  return out;
}

Json Node::Impl::Health() const {
  Json problems = Json::array();
  const auto q = queue_.stats();
  if (static_cast<double>(q.depth) > kQueueDegradedFraction * static_cast<double>(q.limit)) {
    problems.push_back(fmt::format("ingest queue {} of {}", q.depth, q.limit));
  }
  {
    std::lock_guard lock(ack_mutex_);
    uint64_t shed = 0;
    for (const uint64_t n : shed_) shed += n;
    if (shed != 0 && clock_->Now() - last_shed_ < kShedRecent) {
      problems.push_back(fmt::format(
          "overloaded: observations older than {} s stored but not fused ({} so far)",
          config_.shed_after_s, shed));
    }
  }
  const auto st = store_->stats();
  if (!st.last_error.empty()) problems.push_back("store: " + st.last_error);
  if (audit_->failures() != 0) problems.push_back("audit log append failures");
  for (size_t i = 0; i < listeners_.size(); ++i) {
    const net::FeedStats fs = listeners_[i]->stats();
    if (config_.feeds[i].endpoint.transport == net::Transport::kTcpClient && !fs.connected) {
      problems.push_back("feed " + config_.feeds[i].source.source + " not connected");
    }
    if (fs.kernel_drops != 0) {
      problems.push_back(fmt::format("feed {}: {} datagrams dropped by the kernel",
                                     config_.feeds[i].source.source, fs.kernel_drops));
    }
  }
  return Json{{"status", problems.empty() ? "ok" : "degraded"},
              {"problems", problems},
              {"queue_depth", q.depth},
              {"tracks", tracks_total_.load()},
              {"store_queue", st.queue_depth},
              {"replayed", replayed_.load()}};
}

std::string Node::Impl::Metrics() const {
  api::MetricsWriter w;
  // Each feed's figures read once; the writer wants each metric's samples together.
  std::vector<FeedIngest::Stats> feeds;
  std::vector<net::FeedStats> sockets;
  std::vector<uint64_t> acknowledged;
  std::vector<uint64_t> shed;
  for (const auto& ingest : ingests_) feeds.push_back(ingest->stats());
  for (const auto& listener : listeners_) sockets.push_back(listener->stats());
  {
    std::lock_guard lock(ack_mutex_);
    acknowledged = acknowledged_;
    shed = shed_;
  }
  const auto name = [&](size_t i) -> const std::string& { return config_.feeds[i].source.source; };
  for (size_t i = 0; i < feeds.size(); ++i) {
    w.Counter("biac_feed_records_total", "Records framed from the feed.", feeds[i].records,
              {{"source", name(i)}});
  }
  for (size_t i = 0; i < feeds.size(); ++i) {
    w.Counter("biac_feed_errors_total", "Malformed records (framing or decoding).",
              feeds[i].errors, {{"source", name(i)}});
  }
  for (size_t i = 0; i < feeds.size(); ++i) {
    w.Counter("biac_observations_total", "Observations decoded from the feed.",
              feeds[i].observations, {{"source", name(i)}});
  }
  for (size_t i = 0; i < acknowledged.size(); ++i) {
    w.Counter("biac_observations_acknowledged_total",
              "Observations committed to the store (acknowledged).", acknowledged[i], {{"source", name(i)}});
  }
  for (size_t i = 0; i < shed.size(); ++i) {
    w.Counter("biac_fusion_shed_total",
              "Observations stored and acknowledged but not fused: they waited longer than "
              "shed_after_s (overload).",
              shed[i], {{"source", name(i)}});
  }
  for (size_t i = 0; i < sockets.size(); ++i) {
    w.Counter("biac_feed_bytes_total", "Bytes read from the feed.", sockets[i].bytes, {{"source", name(i)}});
  }
  for (size_t i = 0; i < sockets.size(); ++i) {
    w.Counter("biac_feed_kernel_drops_total", "UDP datagrams the kernel dropped (SO_RXQ_OVFL).",
              sockets[i].kernel_drops, {{"source", name(i)}});
  }
  const auto q = queue_.stats();
  w.Gauge("biac_ingest_queue_depth", "Observations queued for fusion.", q.depth);
  w.Gauge("biac_ingest_queue_max_depth", "Largest ingest queue depth seen.", q.max_depth);
  w.Gauge("biac_ingest_queue_limit", "Ingest queue limit.", q.limit);
  w.Counter("biac_ingest_queue_full_total", "Times a listener waited on a full queue.",
            q.full_waits);
  w.Counter("biac_ingest_queue_blocked_seconds_total", "Time listeners waited on a full queue.",
            q.blocked_s);
  {
    std::lock_guard lock(counters_mutex_);
    for (size_t i = 0; i < track_counts_.size(); ++i) {
      w.Gauge("biac_tracks", "Tracks in the audience's picture.", track_counts_[i],
              {{"audience", config_.audiences[i].name}});
    }
    for (size_t i = 0; i < engine_counters_.size(); ++i) {
      w.Counter("biac_fusion_too_late_total", "Observations that arrived after their time was committed.",
                engine_counters_[i].too_late, {{"audience", config_.audiences[i].name}});
    }
    for (size_t i = 0; i < engine_counters_.size(); ++i) {
      w.Counter("biac_fusion_applied_late_total",
                "Observations that arrived after their time was committed, within late_s: applied.",
                engine_counters_[i].applied_late, {{"audience", config_.audiences[i].name}});
      w.Counter("biac_fusion_applied_total", "Observations applied by the audience's engine.",
                engine_counters_[i].applied, {{"audience", config_.audiences[i].name}});
    }
  }
  w.Gauge("biac_fusion_views", "Fusion engines running (distinct audience views).",
          fusion_->view_count());
  w.Histogram("biac_publish_duration_seconds", "Time to snapshot and publish every picture.",
              publish_duration_);
  const auto st = store_->stats();
  w.Gauge("biac_store_queue_depth", "Rows queued for the store writer.", st.queue_depth);
  w.Counter("biac_store_commits_total", "Store transactions committed.", st.commits);
  w.Counter("biac_store_failed_commits_total", "Store transactions that failed.", st.failed_commits);
  w.Gauge("biac_store_last_commit_seconds", "Duration of the last store transaction.",
          st.last_commit_ms / 1000.0);
  const auto hs = http_->stats();
  w.Gauge("biac_http_connections_open", "HTTPS connections open.", hs.connections_open);
  w.Counter("biac_http_requests_total", "HTTP requests handled.", hs.requests);
  w.Counter("biac_http_tls_failures_total", "Failed TLS handshakes.", hs.tls_failures);
  const auto ss = streamer_->stats();
  w.Gauge("biac_stream_clients", "WebSocket stream clients.", ss.clients);
  w.Counter("biac_stream_messages_total", "Stream messages sent.", ss.messages);
  w.Counter("biac_stream_bytes_total", "Stream bytes sent.", ss.bytes);
  w.Counter("biac_stream_skipped_rounds_total",
            "Client rounds skipped because the client's queue was full (coalesced).",
            ss.skipped_rounds);
  w.Counter("biac_stream_shared_messages_total",
            "Stream messages copied from another client's of the same round, not encoded again.",
            ss.shared_messages);
  w.Gauge("biac_stream_client_states",
          "Distinct stream client states after the last round (clients in one state share its "
          "work).",
          ss.states);
  w.Histogram("biac_observation_to_client_seconds",
              "From a track's data time to its update being queued for a client.",
              streamer_->latency());
  w.Counter("biac_cot_events_total", "CoT events sent to TAK clients.", cot_events_.load());
  w.Counter("biac_audit_entries_total", "Entries in the audit log.", audit_->entries());
  w.Gauge("biac_resident_memory_bytes", "Resident set size of the node.", ResidentBytes());
  return w.text();
}

void Node::Impl::CotLoop() {
  uint64_t seen = 0;
  const api::ExportContext base{config_.node_name, Timestamp(), 60};
  while (!stopping_) {
    seen = hub_->WaitNewer(seen, std::chrono::milliseconds(200));
    if (stopping_) break;
    std::lock_guard lock(cot_mutex_);
    std::erase_if(cot_clients_, [](const CotClient& c) { return !c.session->open(); });
    const Timestamp now = clock_->Now();
    for (CotClient& client : cot_clients_) {
      if (client.session->queued_bytes() > (size_t{1} << 20)) continue;  // slow: coalesce
      const auto latest = hub_->Latest(client.audience);
      std::string bytes;
      std::vector<std::pair<uint64_t, int64_t>> updates;
      api::ExportContext context = base;
      context.now = now;
      for (const model::FusedTrack& t : latest->picture.tracks) {
        auto it = client.sent.find(t.id);
        if (it != client.sent.end() && it->second == t.time.nanos()) continue;
        bytes += api::TrackToCotEvent(t, context);
        updates.emplace_back(t.id, t.time.nanos());
      }
      if (bytes.empty()) continue;
      if (client.session->Send(std::move(bytes))) {
        for (const auto& [id, time] : updates) client.sent[id] = time;
        cot_events_ += updates.size();
      }
    }
  }
}

void Node::Impl::Stop() {
  if (stopped_.exchange(true)) return;
  for (auto& listener : listeners_) listener->Stop();
  stopping_ = true;
  queue_.Close();
  if (fusion_thread_.joinable()) fusion_thread_.join();
  if (cot_thread_.joinable()) cot_thread_.join();
  if (hub_) {
    Publish(clock_->Now());
    {
      std::lock_guard lock(picture_store_mutex_);
      picture_store_stop_ = true;
    }
    picture_store_wake_.notify_all();
    if (picture_store_thread_.joinable()) picture_store_thread_.join();
    hub_->Close();
  }
  if (streamer_) streamer_->Stop();
  if (cot_server_) cot_server_->Stop();
  if (http_) http_->Stop();
  if (store_) {
    if (const Status s = store_->Flush(); !s.ok()) log::Error("store: {}", s.message());
    Acknowledge();
  }
  if (audit_) (void)audit_->Checkpoint();
}

Node::Node(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Node::~Node() { Stop(); }
void Node::Stop() { impl_->Stop(); }
const NodeEndpoints& Node::endpoints() const { return impl_->endpoints(); }
std::vector<Node::FeedCounts> Node::Feeds() const { return impl_->Feeds(); }
std::vector<std::pair<std::string, size_t>> Node::TrackCounts() const {
  return impl_->TrackCounts();
}

Result<std::unique_ptr<Node>> Node::Start(const ServeConfig& config, const Clock* clock) {
  auto impl = std::make_unique<Impl>(config, clock);
  if (const Status s = impl->Start(); !s.ok()) {
    impl->Stop();
    return s;
  }
  return std::unique_ptr<Node>(new Node(std::move(impl)));
}

}  // namespace biac::app
