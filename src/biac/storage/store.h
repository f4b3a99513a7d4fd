#pragma once

// The node's persistent store (issue 5 §1 "Storage"; docs/storage.md): every observation the
// node accepts, the fused picture of each view (current state with an R*Tree for area queries,
// and down-sampled history), and the small administrative tables (accounts, tokens, areas,
// alerts).
//
// Threading contract. A Store is thread-safe. Bulk writes (AppendObservations, PutPicture) are
// encoded in the calling thread and queued to ONE writer thread, which commits a transaction
// every `commit_interval` or every `max_batch` rows, whichever comes first. The queue is
// bounded (`queue_limit` rows): a caller blocks while it is over the limit (back-pressure) and
// nothing queued is ever dropped; a commit that fails is retried (counted in
// StoreStats::failed_commits) and the acknowledgement watermark does not move past it. Small
// tables are written by the same writer thread, ahead of the bulk queue, each in its own
// transaction, and the call returns when it is committed. Reads use their own connections
// (WAL mode), so a reader never blocks the writer nor waits for it.
//
// Durability (SQLite WAL, https://sqlite.org/wal.html and https://sqlite.org/pragma.html
// #pragma_synchronous): with synchronous=NORMAL (the default) a committed transaction survives
// a crash of the process (kill -9) but a power loss or OS crash may lose the last commits;
// with `synchronous_full` it survives those too, at a lower commit rate. "Acknowledged" means
// committed: committed_observation_id() never runs ahead of what is in the database file.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/thread.h"
#include "biac/base/time.h"
#include "biac/model/observation.h"
#include "biac/model/picture.h"

namespace biac::storage {

struct StoreOptions {
  std::string path;  // the SQLite database file; created with the schema when absent
  Duration commit_interval = std::chrono::milliseconds(50);
  size_t max_batch = 50000;       // rows per transaction at most
  size_t queue_limit = 500000;    // rows queued; Append/PutPicture block beyond it
  bool synchronous_full = false;  // PRAGMA synchronous=FULL: also survive power loss
  // Observations (by arrival) and history (by state time) older than this are pruned by the
  // writer about once a minute, against the wall clock; 0 disables automatic pruning.
  double retention_hours = 168;
  // A track's history gets a new row when its state is at least this much newer than its
  // last history row (and always when the track is new to this process or ends).
  double history_interval_s = 5;
  Duration busy_timeout = std::chrono::seconds(5);  // PRAGMA busy_timeout of every connection
  // The writer thread's priority: a live node runs it at kIdle (serve_config.h), so that the
  // bursts of a stored picture do not take a core from the fusion and the stream.
  ThreadPriority writer_priority = ThreadPriority::kNormal;

  Status Validate() const;
};

struct StoreStats {
  // Picture rows: the tracks a PutPicture changed, added or ended (pictures are queued as
  // the change since the view's previous one; an unchanged picture counts one).
  uint64_t queued = 0;                  // rows ever queued (observations + picture rows)
  uint64_t committed_observations = 0;  // observations committed by this process
  uint64_t commits = 0;                 // bulk transactions committed
  uint64_t track_rows = 0;              // picture rows committed (all views)
  uint64_t failed_commits = 0;          // bulk transactions that failed (and were retried)
  double last_commit_ms = 0;            // duration of the last bulk transaction
  uint64_t queue_depth = 0;             // rows queued and not yet committed
  uint64_t superseded_pictures = 0;     // queued pictures replaced by a newer one of their view
  std::string last_error;               // the last write error, empty when none happened
};

// An observation as stored: its arrival time at the node (wall clock) beside it.
struct StoredObservation {
  Timestamp arrival;
  model::Observation observation;
};

class Store {
 public:
  struct AccountRow {
    std::string name, role, profile_json, password_hash, certificate_subject;
    bool disabled = false;
  };
  struct TokenRow {
    std::string id, secret_hash, user, description;
    Timestamp created, expires;
    bool revoked = false;
  };
  struct AreaRow {
    uint64_t id = 0;  // assigned by AddArea
    std::string name, owner, geometry_json, label;
    Timestamp created;
  };
  struct AlertRow {
    uint64_t id = 0;  // assigned by AddAlert
    Timestamp time;
    std::string kind, view, label, json;
  };

  virtual ~Store();  // implementations flush everything queued and stop the writer

  // --- observations (the node assigns Observation::id, unique and increasing) ---------------
  // Queues the batch for the writer; blocks while the queue is over its limit. Never drops.
  // Ids must increase, within a batch and across calls in the order the calls queue them
  // (the acknowledgement watermark relies on it, and the SQLite store keeps a call's
  // observations as blocks of ids): with several ingest threads, assign ids and call this
  // under one lock. An id at or below one already stored fails the commit (retried, as any
  // failed commit). A restarted node continues from MaxObservationId() + 1.
  virtual void AppendObservations(std::span<const model::Observation> batch, Timestamp arrival) = 0;
  // The acknowledgement watermark: the highest observation id such that it and every id
  // appended before it are committed (0 before the first commit).
  virtual uint64_t committed_observation_id() const = 0;
  // Waits until committed_observation_id() >= id; false on timeout.
  virtual bool WaitCommitted(uint64_t id, Duration timeout) = 0;
  // The highest stored observation id (0 for an empty store): where a restarted node resumes.
  virtual Result<uint64_t> MaxObservationId() = 0;
  // Stored observations of one source (empty: all sources). Counts only committed rows.
  virtual Result<uint64_t> CountObservations(std::string_view source) = 0;
  // Observations whose ARRIVAL is >= from and whose id is > after_id, in id order, at most
  // `limit` (restart replay: page with after_id = the last id returned).
  virtual Result<std::vector<StoredObservation>> ObservationsSince(Timestamp from,
                                                                   uint64_t after_id,
                                                                   size_t limit) = 0;
  // The stored observations with these ids, in id order; ids not stored are skipped.
  virtual Result<std::vector<model::Observation>> ObservationsById(
      std::span<const uint64_t> ids) = 0;

  // --- fused tracks per view (a view = an audience name) -------------------------------------
  // Replaces the current picture of `view` (tracks absent from `picture` are removed from the
  // current table) and appends history rows for tracks whose last history row is at least
  // history_interval_s older than their state, or that are new to this process, or that end
  // (their last state). Queued to the writer like observations; blocks on back-pressure.
  // Track ids are unique within a picture (a repeated id keeps its first state). When the
  // writer is behind, a newer picture of a view replaces the queued one not yet written (a
  // picture is a snapshot): its history rows are then not written, and a track that lived
  // only in it is not stored; counted in StoreStats::superseded_pictures.
  virtual void PutPicture(const std::string& view, const model::Picture& picture) = 0;
  // Ids of the current tracks of `view` whose position is inside the box (degrees, edges
  // inclusive). west > east is a box across the antimeridian. R*Tree query.
  virtual Result<std::vector<uint64_t>> CurrentInBox(const std::string& view, double west,
                                                     double south, double east, double north) = 0;
  // The committed current picture of `view` (tracks by id; empty picture for an unknown view).
  virtual Result<model::Picture> CurrentPicture(const std::string& view) = 0;
  // One track's history rows with from <= time <= to, by time, at most `limit`.
  virtual Result<std::vector<model::FusedTrack>> History(const std::string& view, uint64_t track_id,
                                                         Timestamp from, Timestamp to,
                                                         size_t limit) = 0;
  // Every track's history rows with from <= time <= to, ordered by time (then track id), at
  // most `limit`: replay for the web page's time slider.
  virtual Result<std::vector<model::FusedTrack>> HistoryWindow(const std::string& view,
                                                               Timestamp from, Timestamp to,
                                                               size_t limit) = 0;

  // --- accounts, tokens, areas, alerts: small tables, each write its own transaction --------
  virtual Status PutAccount(const AccountRow& account) = 0;    // insert or replace by name
  virtual Result<std::vector<AccountRow>> ListAccounts() = 0;  // by name
  virtual Result<std::optional<AccountRow>> GetAccount(std::string_view name) = 0;
  virtual Status DeleteAccount(std::string_view name) = 0;  // NotFound when absent

  virtual Status PutToken(const TokenRow& token) = 0;  // insert or replace by id
  virtual Result<std::vector<TokenRow>> ListTokens(std::string_view user) = 0;  // empty: all
  virtual Result<std::optional<TokenRow>> GetToken(std::string_view id) = 0;
  virtual Status RevokeToken(std::string_view id) = 0;  // NotFound when absent

  virtual Result<uint64_t> AddArea(const AreaRow& area) = 0;  // ignores area.id; returns it
  virtual Result<std::vector<AreaRow>> ListAreas(std::string_view owner) = 0;  // empty: all
  virtual Status DeleteArea(uint64_t id) = 0;  // NotFound when absent

  virtual Result<uint64_t> AddAlert(const AlertRow& alert) = 0;  // ignores alert.id
  // Alerts of `view` (empty: all views) with time >= since, newest first, at most `limit`.
  virtual Result<std::vector<AlertRow>> ListAlerts(std::string_view view, Timestamp since,
                                                   size_t limit) = 0;

  // --- retention and stats ------------------------------------------------------------------
  // Deletes observations whose arrival is older than cutoff and history rows whose state time
  // is older than cutoff (current tracks and the small tables are kept).
  virtual Status PruneOlderThan(Timestamp cutoff) = 0;
  virtual StoreStats stats() const = 0;
  // Commits everything queued before the call and waits for it; the last write error if the
  // writer cannot commit within busy_timeout.
  virtual Status Flush() = 0;
};

// Opens (creating if needed) a SQLite store. Errors name the file and the statement
// ("store.db: open: unable to open database file"); a store written by a newer biac (higher
// PRAGMA user_version) is refused.
Result<std::unique_ptr<Store>> OpenSqlite(const StoreOptions& options);

}  // namespace biac::storage
