#include "biac/storage/store.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "biac/model/picture_json.h"
#include "biac/storage/backend_support.h"
#include "biac/storage/observation_codec.h"
#include "biac/storage/sqlite_db.h"
#include "biac/storage/picture_changes.h"
#include "biac/storage/writer_queue.h"

namespace biac::storage {

Store::~Store() = default;

Status StoreOptions::Validate() const {
  if (path.empty()) return InvalidArgument("store: path is empty");
  if (commit_interval <= Duration::zero()) {
    return InvalidArgument("store: commit_interval must be positive");
  }
  if (max_batch == 0) return InvalidArgument("store: max_batch must be at least 1");
  if (queue_limit == 0) return InvalidArgument("store: queue_limit must be at least 1");
  if (!(retention_hours >= 0)) return InvalidArgument("store: retention_hours must be >= 0");
  if (!(history_interval_s >= 0)) {
    return InvalidArgument("store: history_interval_s must be >= 0");
  }
  if (busy_timeout < Duration::zero()) return InvalidArgument("store: busy_timeout is negative");
  return Status::Ok();
}

namespace {

// PRAGMA user_version of the schema below; a file with a higher version is refused.
constexpr int64_t kSchemaVersion = 2;

// track_current_box is the R*Tree (https://sqlite.org/rtree.html) over the current tracks, keyed
// by track_current.id. Its boxes are the track's position widened by kBoxSlackDeg and are
// rewritten only when the track leaves its box: an R*Tree write costs ~10x a plain row
// (research/distributed-anchors.md §5.1), and queries filter on the exact lat/lon anyway.
//
// observation_blocks holds the observations of one AppendObservations call and one source
// (a run of at most kBlockRecords), ids first_id..last_id, as one row: one B-tree entry and
// one index entry per block instead of per observation (docs/storage.md "Observations in
// blocks"). `records` is the records' concatenation (BlockRecords below).
constexpr char kSchema[] = R"sql(
CREATE TABLE observation_blocks(
  first_id INTEGER PRIMARY KEY, last_id INTEGER NOT NULL, arrival INTEGER NOT NULL,
  source TEXT NOT NULL, count INTEGER NOT NULL, records BLOB NOT NULL);
CREATE INDEX observation_blocks_arrival ON observation_blocks(arrival);
CREATE TABLE source_counts(source TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE views(view TEXT PRIMARY KEY, time INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE track_current(
  id INTEGER PRIMARY KEY, view TEXT NOT NULL, track_id INTEGER NOT NULL,
  time INTEGER NOT NULL, lat REAL, lon REAL, json TEXT NOT NULL, UNIQUE(view, track_id));
CREATE VIRTUAL TABLE track_current_box USING rtree(id, min_lon, max_lon, min_lat, max_lat);
CREATE TABLE track_history(
  view TEXT NOT NULL, track_id INTEGER NOT NULL, time INTEGER NOT NULL,
  lat REAL, lon REAL, json TEXT NOT NULL);
CREATE INDEX track_history_track ON track_history(view, track_id, time);
CREATE INDEX track_history_time ON track_history(view, time);
CREATE TABLE accounts(
  name TEXT PRIMARY KEY, role TEXT NOT NULL, profile_json TEXT NOT NULL,
  password_hash TEXT NOT NULL, certificate_subject TEXT NOT NULL, disabled INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE TABLE tokens(
  id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, user TEXT NOT NULL,
  description TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL,
  revoked INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX tokens_user ON tokens(user);
CREATE TABLE areas(
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, owner TEXT NOT NULL,
  geometry_json TEXT NOT NULL, label TEXT NOT NULL, created INTEGER NOT NULL);
CREATE TABLE alerts(
  id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, kind TEXT NOT NULL,
  view TEXT NOT NULL, label TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX alerts_time ON alerts(time);
CREATE INDEX alerts_view_time ON alerts(view, time);
PRAGMA user_version = 2;
)sql";

// Version 1 stored one row per observation; each becomes a block of one record.
constexpr char kMigrateFromVersion1[] = R"sql(
CREATE TABLE observation_blocks(
  first_id INTEGER PRIMARY KEY, last_id INTEGER NOT NULL, arrival INTEGER NOT NULL,
  source TEXT NOT NULL, count INTEGER NOT NULL, records BLOB NOT NULL);
INSERT INTO observation_blocks(first_id, last_id, arrival, source, count, records)
  SELECT id, id, arrival, source, 1, record FROM observations ORDER BY id;
CREATE INDEX observation_blocks_arrival ON observation_blocks(arrival);
DROP TABLE observations;
PRAGMA user_version = 2;
)sql";

constexpr double kBoxSlackDeg = 0.05;  // ~5.5 km of latitude: a ship moves it in ~20 min
constexpr size_t kPruneChunk = 20000;  // history rows deleted per transaction when pruning
// Observation blocks deleted per transaction when pruning (at most 20,480 observations).
constexpr size_t kPruneBlocks = 160;
// Observations per block at most: 128 AIS-like records are ~27 kB, what ObservationsById
// reads to find one of them.
constexpr size_t kBlockRecords = 128;
constexpr char kMaxIdKey[] = "max_observation_id";

// --- statements --------------------------------------------------------------------------------

constexpr Sql kInsertBlock{
    "insert observation",
    "INSERT INTO observation_blocks(first_id, last_id, arrival, source, count, records) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"};
constexpr Sql kAddSourceCount{"count observations per source",
                              "INSERT INTO source_counts(source, count) VALUES(?1, ?2) "
                              "ON CONFLICT(source) DO UPDATE SET count = count + excluded.count"};
constexpr Sql kPutMaxId{"record the highest observation id",
                        "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO "
                        "UPDATE SET value = max(value, excluded.value)"};
constexpr Sql kGetMeta{"read meta", "SELECT value FROM meta WHERE key = ?1"};
constexpr Sql kMaxId{"max observation id",
                    "SELECT last_id FROM observation_blocks ORDER BY first_id DESC LIMIT 1"};
constexpr Sql kCountAll{"count observations", "SELECT total(count) FROM source_counts"};
constexpr Sql kCountSource{"count observations of a source",
                           "SELECT count FROM source_counts WHERE source = ?1"};
constexpr Sql kFirstIdSince{"find observations by arrival",
                            "SELECT min(first_id) FROM observation_blocks WHERE arrival >= ?1"};
// The block holding an id, if stored: the last block starting at or before it.
constexpr Sql kBlockAtOrBefore{
    "find observation block",
    "SELECT first_id, last_id, count, records FROM observation_blocks WHERE first_id <= ?1 "
    "ORDER BY first_id DESC LIMIT 1"};
// `+arrival` keeps the planner on the id order instead of the arrival index.
constexpr Sql kObservationsSince{
    "read observations since",
    "SELECT first_id, last_id, count, records, arrival FROM observation_blocks "
    "WHERE first_id >= ?1 AND +arrival >= ?2 ORDER BY first_id"};
constexpr Sql kPruneCounts{
    "count pruned observations",
    "SELECT source, sum(count) FROM (SELECT source, count FROM observation_blocks "
    "WHERE arrival < ?1 ORDER BY arrival LIMIT ?2) GROUP BY source"};
constexpr Sql kPruneObservations{
    "prune observations",
    "DELETE FROM observation_blocks WHERE first_id IN (SELECT first_id FROM "
    "observation_blocks WHERE arrival < ?1 ORDER BY arrival LIMIT ?2)"};
constexpr Sql kSubtractSourceCount{"uncount pruned observations",
                                   "UPDATE source_counts SET count = count - ?2 WHERE source = ?1"};
constexpr Sql kListViews{"list views", "SELECT view FROM views ORDER BY view"};
constexpr Sql kPruneHistory{
    "prune history",
    "DELETE FROM track_history WHERE rowid IN (SELECT rowid FROM track_history "
    "WHERE view = ?1 AND time < ?2 LIMIT ?3)"};

constexpr Sql kLoadView{
    "load current tracks",
    "SELECT c.id, c.track_id, c.time, c.json, b.min_lon, b.max_lon, b.min_lat, b.max_lat "
    "FROM track_current c LEFT JOIN track_current_box b ON b.id = c.id WHERE c.view = ?1"};
constexpr Sql kInsertCurrent{"insert current track",
                             "INSERT INTO track_current(view, track_id, time, lat, lon, json) "
                             "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"};
constexpr Sql kUpdateCurrent{
    "update current track",
    "UPDATE track_current SET time = ?2, lat = ?3, lon = ?4, json = ?5 WHERE id = ?1"};
constexpr Sql kDeleteCurrent{"delete current track", "DELETE FROM track_current WHERE id = ?1"};
constexpr Sql kPutBox{"write track box",
                      "INSERT OR REPLACE INTO track_current_box(id, min_lon, max_lon, min_lat, "
                      "max_lat) VALUES(?1, ?2, ?3, ?4, ?5)"};
constexpr Sql kDeleteBox{"delete track box", "DELETE FROM track_current_box WHERE id = ?1"};
constexpr Sql kInsertHistory{"insert history",
                             "INSERT INTO track_history(view, track_id, time, lat, lon, json) "
                             "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"};
constexpr Sql kEndHistory{
    "insert last history of an ended track",
    "INSERT INTO track_history(view, track_id, time, lat, lon, json) "
    "SELECT view, track_id, time, lat, lon, json FROM track_current WHERE id = ?1"};
constexpr Sql kPutView{"write view time",
                       "INSERT INTO views(view, time) VALUES(?1, ?2) "
                       "ON CONFLICT(view) DO UPDATE SET time = excluded.time"};

constexpr Sql kInBox{
    "query current tracks in a box",
    "SELECT c.track_id FROM track_current_box b CROSS JOIN track_current c ON c.id = b.id "
    "WHERE b.max_lon >= ?1 AND b.min_lon <= ?2 AND b.max_lat >= ?3 AND b.min_lat <= ?4 "
    "AND c.view = ?5 AND c.lon >= ?1 AND c.lon <= ?2 AND c.lat >= ?3 AND c.lat <= ?4"};
constexpr Sql kViewTime{"read view time", "SELECT time FROM views WHERE view = ?1"};
constexpr Sql kCurrentTracks{"read current tracks",
                             "SELECT json FROM track_current WHERE view = ?1 ORDER BY track_id"};
constexpr Sql kTrackHistory{
    "read track history",
    "SELECT json FROM track_history WHERE view = ?1 AND track_id = ?2 AND time >= ?3 "
    "AND time <= ?4 ORDER BY time LIMIT ?5"};
constexpr Sql kHistoryWindow{
    "read history window",
    "SELECT json FROM track_history WHERE view = ?1 AND time >= ?2 AND time <= ?3 "
    "ORDER BY time, track_id LIMIT ?4"};

constexpr Sql kPutAccount{
    "write account",
    "INSERT OR REPLACE INTO accounts(name, role, profile_json, password_hash, "
    "certificate_subject, disabled) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"};
constexpr Sql kListAccounts{"list accounts",
                            "SELECT name, role, profile_json, password_hash, certificate_subject, "
                            "disabled FROM accounts ORDER BY name"};
constexpr Sql kGetAccount{"read account",
                          "SELECT name, role, profile_json, password_hash, certificate_subject, "
                          "disabled FROM accounts WHERE name = ?1"};
constexpr Sql kDeleteAccount{"delete account", "DELETE FROM accounts WHERE name = ?1"};
constexpr Sql kPutToken{"write token",
                        "INSERT OR REPLACE INTO tokens(id, secret_hash, user, description, "
                        "created, expires, revoked) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"};
constexpr Sql kListTokens{"list tokens",
                          "SELECT id, secret_hash, user, description, created, expires, revoked "
                          "FROM tokens WHERE ?1 = '' OR user = ?1 ORDER BY id"};
constexpr Sql kGetToken{"read token",
                        "SELECT id, secret_hash, user, description, created, expires, revoked "
                        "FROM tokens WHERE id = ?1"};
constexpr Sql kRevokeToken{"revoke token", "UPDATE tokens SET revoked = 1 WHERE id = ?1"};
constexpr Sql kAddArea{"add area",
                       "INSERT INTO areas(name, owner, geometry_json, label, created) "
                       "VALUES(?1, ?2, ?3, ?4, ?5)"};
constexpr Sql kListAreas{"list areas",
                         "SELECT id, name, owner, geometry_json, label, created FROM areas "
                         "WHERE ?1 = '' OR owner = ?1 ORDER BY id"};
constexpr Sql kDeleteArea{"delete area", "DELETE FROM areas WHERE id = ?1"};
constexpr Sql kAddAlert{"add alert",
                        "INSERT INTO alerts(time, kind, view, label, json) "
                        "VALUES(?1, ?2, ?3, ?4, ?5)"};
constexpr Sql kListAlerts{"list alerts",
                          "SELECT id, time, kind, view, label, json FROM alerts "
                          "WHERE (?1 = '' OR view = ?1) AND time >= ?2 "
                          "ORDER BY time DESC, id DESC LIMIT ?3"};

// --- queued work -------------------------------------------------------------------------------

using detail::AppendTo;
using detail::ClampLimit;
using detail::Slice;
using detail::WallNow;

// --- observation blocks ----------------------------------------------------------------------
// A block's `records`: with one record, the record itself (so that a version 1 row is a block
// as it is); with more, per record: varint(id - previous id; 0 for the first, whose id is
// first_id), varint(record length), the record (observation_codec.h). Varints are LEB128.

void PutVarint(std::string& out, uint64_t v) {
  constexpr uint64_t kLow7 = 0x7F;
  constexpr uint8_t kMore = 0x80;
  while (v > kLow7) {
    out.push_back(static_cast<char>((v & kLow7) | kMore));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view& in, uint64_t& v) {
  constexpr uint8_t kLow7 = 0x7F;
  constexpr uint8_t kMore = 0x80;
  constexpr int kMaxShift = 63;
  v = 0;
  for (int shift = 0; !in.empty() && shift <= kMaxShift; shift += 7) {
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & kLow7) << shift;
    if ((byte & kMore) == 0) return true;
  }
  return false;
}

struct BlockRecord {
  uint64_t id = 0;
  std::string_view record;
};

// The records of a stored block, in id order; an error names the file and the block.
Status BlockRecords(std::string_view where, uint64_t first_id, uint64_t last_id, int64_t count,
                    std::string_view records, std::vector<BlockRecord>& out) {
  out.clear();
  if (count == 1) {
    out.push_back({first_id, records});
    return Status::Ok();
  }
  uint64_t id = first_id;
  for (int64_t i = 0; i < count; ++i) {
    uint64_t delta = 0;
    uint64_t size = 0;
    if (!GetVarint(records, delta) || !GetVarint(records, size) || size > records.size() ||
        (i > 0 && delta == 0)) {
      return Internal(std::string(where) + ": observation block " + std::to_string(first_id) +
                      ": record " + std::to_string(i) + " is damaged");
    }
    id += delta;
    out.push_back({id, records.substr(0, size)});
    records.remove_prefix(size);
  }
  if (!records.empty() || id != last_id) {
    return Internal(std::string(where) + ": observation block " + std::to_string(first_id) +
                    ": does not end at id " + std::to_string(last_id));
  }
  return Status::Ok();
}

struct ObservationBlock {
  uint64_t first_id = 0;
  uint64_t last_id = 0;
  int64_t count = 0;
  Slice source, records;
};

struct ObservationBatch final : WriterWork {
  int64_t arrival = 0;
  std::string arena;
  std::vector<ObservationBlock> blocks;
};

struct TrackRow {
  uint64_t id = 0;
  int64_t time = 0;
  double lat = 0;
  double lon = 0;
  Slice json;
};

// A picture as the change since the view's previous PutPicture (docs/storage.md "Pictures"),
// its rows with the tracks' canonical JSON.
using PictureBatch = PictureChangeBatch<TrackRow, &TrackRow::json>;

// The writer's memory of one view's current table (rebuilt from the file on first use).
struct TrackSlot {
  int64_t row_id = 0;
  int64_t time = 0;
  size_t json_hash = 0;
  int64_t history_time = std::numeric_limits<int64_t>::min();  // none in this process
  bool boxed = false;
  double box[4] = {0, 0, 0, 0};  // min_lon, max_lon, min_lat, max_lat
  uint64_t seen = 0;
};

struct ViewState {
  bool loaded = false;
  uint64_t generation = 0;
  std::unordered_map<uint64_t, TrackSlot> tracks;
};

bool Inside(const TrackSlot& slot, double lat, double lon) {
  return slot.boxed && lon >= slot.box[0] && lon <= slot.box[1] && lat >= slot.box[2] &&
         lat <= slot.box[3];
}

// The stored track JSON texts `jsons`, parsed.
Result<std::vector<model::FusedTrack>> ParseTracks(const std::vector<std::string>& jsons,
                                                   Timestamp time, std::string_view where) {
  return detail::ParseTracks(
      jsons.size(), [&](size_t i) -> std::string_view { return jsons[i]; }, time, where);
}

// --- the store ---------------------------------------------------------------------------------

WriterQueueOptions QueueOptions(const StoreOptions& options) {
  WriterQueueOptions queue;
  queue.where = options.path;
  queue.commit_interval = options.commit_interval;
  queue.max_batch = options.max_batch;
  queue.queue_limit = options.queue_limit;
  queue.writer_priority = options.writer_priority;
  return queue;
}

// The writer thread, its queue and the watermark are the WriterQueue's (writer_queue.h); this
// class is the SQLite transaction it runs (the WriterBackend calls) and the readers.
class SqliteStore final : public Store, private WriterBackend {
 public:
  SqliteStore(StoreOptions options, std::unique_ptr<SqliteDb> writer_db)
      : options_(std::move(options)), db_(std::move(writer_db)), queue_(QueueOptions(options_)) {}

  Status Start() {
    BIAC_ASSIGN_OR_RETURN(uint64_t max_id, ReadMaxId(*db_));
    stored_max_id_ = max_id;
    queue_.Start(*this, max_id);
    return Status::Ok();
  }

  ~SqliteStore() override { queue_.Stop(); }  // before the writer state below goes away

  // --- observations ---

  void AppendObservations(std::span<const model::Observation> batch, Timestamp arrival) override {
    if (batch.empty()) return;
    thread_local ObservationEncoder encoder;
    thread_local std::string record;
    auto owned = std::make_unique<ObservationBatch>();
    ObservationBatch& work = *owned;
    work.arrival = arrival.nanos();
    constexpr size_t kTypicalRecordBytes = 224;  // an AIS-like record and its framing
    work.arena.reserve(batch.size() * kTypicalRecordBytes);
    uint64_t max_id = 0;
    ObservationBlock* block = nullptr;
    size_t first_record_at = 0;  // where the first record's bytes start, after its framing
    auto close_block = [&] {
      if (block == nullptr) return;
      block->records.size = work.arena.size() - block->records.offset;
      if (block->count == 1) {  // a lone record is stored without framing
        block->records.size -= first_record_at - block->records.offset;
        block->records.offset = first_record_at;
      }
    };
    for (const model::Observation& o : batch) {
      // A new block for another source, a full block, or ids that do not increase (a
      // caller's bug, refused by the writer).
      if (block == nullptr || o.source != block->source.In(work.arena) ||
          static_cast<size_t>(block->count) == kBlockRecords || o.id <= block->last_id) {
        close_block();
        ObservationBlock& added = work.blocks.emplace_back();
        added.first_id = o.id;
        added.last_id = o.id;
        added.source = AppendTo(work.arena, o.source);
        added.records.offset = work.arena.size();
        block = &added;
      }
      record.clear();
      encoder.Encode(o, record);
      PutVarint(work.arena, block->count == 0 ? 0 : o.id - block->last_id);
      PutVarint(work.arena, record.size());
      if (block->count == 0) first_record_at = work.arena.size();
      work.arena.append(record);
      block->last_id = o.id;
      ++block->count;
      max_id = std::max(max_id, o.id);
    }
    close_block();
    queue_.Enqueue(WriterItem::Observations(std::move(owned), batch.size(), max_id));
  }

  uint64_t committed_observation_id() const override { return queue_.committed_observation_id(); }

  bool WaitCommitted(uint64_t id, Duration timeout) override {
    return queue_.WaitCommitted(id, timeout);
  }

  Result<uint64_t> MaxObservationId() override {
    return WithReader([&](SqliteDb& db) { return ReadMaxId(db); });
  }

  Result<uint64_t> CountObservations(std::string_view source) override {
    return WithReader([&](SqliteDb& db) -> Result<uint64_t> {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(source.empty() ? kCountAll : kCountSource));
      if (!source.empty()) stmt.Bind(1, source);
      BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
      if (!row) return uint64_t{0};
      return static_cast<uint64_t>(stmt.Double(0));
    });
  }

  Result<std::vector<StoredObservation>> ObservationsSince(Timestamp from, uint64_t after_id,
                                                           size_t limit) override {
    return WithReader([&](SqliteDb& db) -> Result<std::vector<StoredObservation>> {
      std::vector<StoredObservation> out;
      if (limit == 0) return out;
      BIAC_RETURN_IF_ERROR(db.Exec("begin read", "BEGIN"));
      Status status = [&]() -> Status {
        uint64_t first = 0;
        {
          BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kFirstIdSince));
          stmt.Bind(1, from.nanos());
          BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
          if (!row || stmt.IsNull(0)) return Status::Ok();
          first = static_cast<uint64_t>(stmt.Int(0));
        }
        // Ids above `start`, from the block that holds start + 1 on.
        const uint64_t start = std::max(after_id, first == 0 ? 0 : first - 1);
        uint64_t from_block = first;
        {
          BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kBlockAtOrBefore));
          stmt.Bind(1, start + 1);
          BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
          if (row) from_block = std::max(from_block, static_cast<uint64_t>(stmt.Int(0)));
        }
        BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kObservationsSince));
        stmt.Bind(1, from_block).Bind(2, from.nanos());
        ObservationDecoder decoder;
        std::vector<BlockRecord> records;
        while (out.size() < limit) {
          BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
          if (!row) break;
          BIAC_RETURN_IF_ERROR(BlockRecords(db.path(), static_cast<uint64_t>(stmt.Int(0)),
                                            static_cast<uint64_t>(stmt.Int(1)), stmt.Int(2),
                                            stmt.Blob(3), records));
          const Timestamp arrival = Timestamp::FromNanos(stmt.Int(4));
          for (const BlockRecord& r : records) {
            if (r.id <= start) continue;
            if (out.size() == limit) break;
            StoredObservation stored;
            stored.arrival = arrival;
            BIAC_RETURN_IF_ERROR(DecodeStored(db, static_cast<int64_t>(r.id), r.record, decoder,
                                              stored.observation));
            out.push_back(std::move(stored));
          }
        }
        return Status::Ok();
      }();
      BIAC_RETURN_IF_ERROR(db.Exec("end read", "COMMIT"));
      BIAC_RETURN_IF_ERROR(status);
      return out;
    });
  }

  Result<std::vector<model::Observation>> ObservationsById(std::span<const uint64_t> ids) override {
    std::vector<uint64_t> sorted(ids.begin(), ids.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    return WithReader([&](SqliteDb& db) -> Result<std::vector<model::Observation>> {
      std::vector<model::Observation> out;
      ObservationDecoder decoder;
      BIAC_RETURN_IF_ERROR(db.Exec("begin read", "BEGIN"));
      Status status = [&]() -> Status {
        BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kBlockAtOrBefore));
        std::string blob;  // the current block's records, copied out of the statement
        std::vector<BlockRecord> records;
        uint64_t block_first = 1;
        uint64_t block_last = 0;  // none yet
        size_t next = 0;          // the next record of the block to look at (ids increase)
        for (const uint64_t id : sorted) {
          if (id < block_first || id > block_last) {
            stmt.Reset();
            stmt.Bind(1, id);
            BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
            if (!row) continue;
            block_first = static_cast<uint64_t>(stmt.Int(0));
            block_last = static_cast<uint64_t>(stmt.Int(1));
            const int64_t count = stmt.Int(2);
            blob.assign(stmt.Blob(3));
            BIAC_RETURN_IF_ERROR(
                BlockRecords(db.path(), block_first, block_last, count, blob, records));
            next = 0;
            if (id > block_last) continue;
          }
          while (next < records.size() && records[next].id < id) ++next;
          if (next == records.size() || records[next].id != id) continue;
          model::Observation o;
          BIAC_RETURN_IF_ERROR(
              DecodeStored(db, static_cast<int64_t>(id), records[next].record, decoder, o));
          out.push_back(std::move(o));
        }
        return Status::Ok();
      }();
      BIAC_RETURN_IF_ERROR(db.Exec("end read", "COMMIT"));
      BIAC_RETURN_IF_ERROR(status);
      return out;
    });
  }

  // --- pictures ---

  void PutPicture(const std::string& view, const model::Picture& picture) override {
    PictureChanges changes;
    const std::unique_lock view_lock = pictures_.Diff(view, picture, changes);
    auto owned = std::make_unique<PictureBatch>();
    PictureBatch& work = *owned;
    work.view = view;
    work.time = picture.time.nanos();
    work.kept = std::move(changes.kept);
    work.ended = changes.ended;
    // A track's canonical JSON is ~1.3 kB with its 36 covariance numbers; growing a 20,000-
    // track arena by doubling would copy it several times.
    constexpr size_t kTypicalTrackJsonBytes = 1536;
    work.arena.reserve(changes.changed.size() * kTypicalTrackJsonBytes);
    work.rows.reserve(changes.changed.size());
    for (const model::FusedTrack* changed : changes.changed) {
      const model::FusedTrack& track = *changed;
      TrackRow row;
      row.id = track.id;
      row.time = track.time.nanos();
      row.lat = track.position.latitude_deg;
      row.lon = track.position.longitude_deg;
      const size_t offset = work.arena.size();
      model::AppendFusedTrackJson(work.arena, track);
      row.json = Slice{offset, work.arena.size() - offset};
      work.rows.push_back(row);
    }
    const size_t rows = work.Rows();
    queue_.Enqueue(WriterItem::Picture(view, std::move(owned), rows));
  }

  Result<std::vector<uint64_t>> CurrentInBox(const std::string& view, double west, double south,
                                             double east, double north) override {
    BIAC_RETURN_IF_ERROR(detail::CheckBoxBounds(west, south, east, north));
    return WithReader([&](SqliteDb& db) -> Result<std::vector<uint64_t>> {
      std::vector<uint64_t> ids;
      auto query = [&](double w, double e) -> Status {
        BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kInBox));
        stmt.Bind(1, w).Bind(2, e).Bind(3, south).Bind(4, north).Bind(5, view);
        for (;;) {
          BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
          if (!row) return Status::Ok();
          ids.push_back(static_cast<uint64_t>(stmt.Int(0)));
        }
      };
      if (west <= east) {
        BIAC_RETURN_IF_ERROR(query(west, east));
      } else {  // across the antimeridian: [west, 180] and [-180, east], disjoint
        BIAC_RETURN_IF_ERROR(db.Exec("begin read", "BEGIN"));
        Status status = query(west, detail::kMaxLongitude);
        if (status.ok()) status = query(-detail::kMaxLongitude, east);
        BIAC_RETURN_IF_ERROR(db.Exec("end read", "COMMIT"));
        BIAC_RETURN_IF_ERROR(status);
      }
      std::sort(ids.begin(), ids.end());
      return ids;
    });
  }

  Result<model::Picture> CurrentPicture(const std::string& view) override {
    return WithReader([&](SqliteDb& db) -> Result<model::Picture> {
      BIAC_RETURN_IF_ERROR(db.Exec("begin read", "BEGIN"));
      Timestamp time;
      std::vector<std::string> jsons;
      Status status = [&]() -> Status {
        {
          BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kViewTime));
          stmt.Bind(1, view);
          BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
          if (row) time = Timestamp::FromNanos(stmt.Int(0));
        }
        BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kCurrentTracks));
        stmt.Bind(1, view);
        return CollectText(stmt, jsons);
      }();
      BIAC_RETURN_IF_ERROR(db.Exec("end read", "COMMIT"));
      BIAC_RETURN_IF_ERROR(status);
      BIAC_ASSIGN_OR_RETURN(std::vector<model::FusedTrack> tracks,
                            ParseTracks(jsons, time, db.path()));
      return model::Picture{time, std::move(tracks)};
    });
  }

  Result<std::vector<model::FusedTrack>> History(const std::string& view, uint64_t track_id,
                                                 Timestamp from, Timestamp to,
                                                 size_t limit) override {
    return WithReader([&](SqliteDb& db) -> Result<std::vector<model::FusedTrack>> {
      std::vector<std::string> jsons;
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kTrackHistory));
      stmt.Bind(1, view).Bind(2, track_id).Bind(3, from.nanos()).Bind(4, to.nanos());
      stmt.Bind(5, ClampLimit(limit));
      BIAC_RETURN_IF_ERROR(CollectText(stmt, jsons));
      return ParseTracks(jsons, Timestamp(), db.path());
    });
  }

  Result<std::vector<model::FusedTrack>> HistoryWindow(const std::string& view, Timestamp from,
                                                       Timestamp to, size_t limit) override {
    return WithReader([&](SqliteDb& db) -> Result<std::vector<model::FusedTrack>> {
      std::vector<std::string> jsons;
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kHistoryWindow));
      stmt.Bind(1, view).Bind(2, from.nanos()).Bind(3, to.nanos()).Bind(4, ClampLimit(limit));
      BIAC_RETURN_IF_ERROR(CollectText(stmt, jsons));
      return ParseTracks(jsons, Timestamp(), db.path());
    });
  }

  // --- small tables ---

  Status PutAccount(const AccountRow& a) override {
    return RunTask([&](SqliteDb& db) {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kPutAccount));
      stmt.Bind(1, a.name).Bind(2, a.role).Bind(3, a.profile_json).Bind(4, a.password_hash);
      stmt.Bind(5, a.certificate_subject).Bind(6, int64_t{a.disabled ? 1 : 0});
      return stmt.Run();
    });
  }

  Result<std::vector<AccountRow>> ListAccounts() override {
    return WithReader([&](SqliteDb& db) -> Result<std::vector<AccountRow>> {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kListAccounts));
      return ReadRows<AccountRow>(stmt, ReadAccount);
    });
  }

  Result<std::optional<AccountRow>> GetAccount(std::string_view name) override {
    return WithReader([&](SqliteDb& db) -> Result<std::optional<AccountRow>> {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kGetAccount));
      stmt.Bind(1, name);
      BIAC_ASSIGN_OR_RETURN(std::vector<AccountRow> rows, ReadRows<AccountRow>(stmt, ReadAccount));
      if (rows.empty()) return std::optional<AccountRow>();
      return std::optional<AccountRow>(std::move(rows.front()));
    });
  }

  Status DeleteAccount(std::string_view name) override {
    return RunTask([&](SqliteDb& db) {
      return ChangeOne(db, kDeleteAccount, name, "account \"" + std::string(name) + "\"");
    });
  }

  Status PutToken(const TokenRow& t) override {
    return RunTask([&](SqliteDb& db) {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kPutToken));
      stmt.Bind(1, t.id).Bind(2, t.secret_hash).Bind(3, t.user).Bind(4, t.description);
      stmt.Bind(5, t.created.nanos()).Bind(6, t.expires.nanos());
      stmt.Bind(7, int64_t{t.revoked ? 1 : 0});
      return stmt.Run();
    });
  }

  Result<std::vector<TokenRow>> ListTokens(std::string_view user) override {
    return WithReader([&](SqliteDb& db) -> Result<std::vector<TokenRow>> {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kListTokens));
      stmt.Bind(1, user);
      return ReadRows<TokenRow>(stmt, ReadToken);
    });
  }

  Result<std::optional<TokenRow>> GetToken(std::string_view id) override {
    return WithReader([&](SqliteDb& db) -> Result<std::optional<TokenRow>> {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kGetToken));
      stmt.Bind(1, id);
      BIAC_ASSIGN_OR_RETURN(std::vector<TokenRow> rows, ReadRows<TokenRow>(stmt, ReadToken));
      if (rows.empty()) return std::optional<TokenRow>();
      return std::optional<TokenRow>(std::move(rows.front()));
    });
  }

  Status RevokeToken(std::string_view id) override {
    return RunTask([&](SqliteDb& db) {
      return ChangeOne(db, kRevokeToken, id, "token \"" + std::string(id) + "\"");
    });
  }

  Result<uint64_t> AddArea(const AreaRow& a) override {
    uint64_t id = 0;
    BIAC_RETURN_IF_ERROR(RunTask([&](SqliteDb& db) {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kAddArea));
      stmt.Bind(1, a.name).Bind(2, a.owner).Bind(3, a.geometry_json).Bind(4, a.label);
      stmt.Bind(5, a.created.nanos());
      BIAC_RETURN_IF_ERROR(stmt.Run());
      id = static_cast<uint64_t>(sqlite3_last_insert_rowid(db.handle()));
      return Status::Ok();
    }));
    return id;
  }

  Result<std::vector<AreaRow>> ListAreas(std::string_view owner) override {
    return WithReader([&](SqliteDb& db) -> Result<std::vector<AreaRow>> {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kListAreas));
      stmt.Bind(1, owner);
      return ReadRows<AreaRow>(stmt, [](const Statement& s) {
        AreaRow r;
        r.id = static_cast<uint64_t>(s.Int(0));
        r.name = s.Text(1);
        r.owner = s.Text(2);
        r.geometry_json = s.Text(3);
        r.label = s.Text(4);
        r.created = Timestamp::FromNanos(s.Int(5));
        return r;
      });
    });
  }

  Status DeleteArea(uint64_t id) override {
    return RunTask([&](SqliteDb& db) {
      return ChangeOne(db, kDeleteArea, static_cast<int64_t>(id), "area " + std::to_string(id));
    });
  }

  Result<uint64_t> AddAlert(const AlertRow& a) override {
    uint64_t id = 0;
    BIAC_RETURN_IF_ERROR(RunTask([&](SqliteDb& db) {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kAddAlert));
      stmt.Bind(1, a.time.nanos()).Bind(2, a.kind).Bind(3, a.view).Bind(4, a.label);
      stmt.Bind(5, a.json);
      BIAC_RETURN_IF_ERROR(stmt.Run());
      id = static_cast<uint64_t>(sqlite3_last_insert_rowid(db.handle()));
      return Status::Ok();
    }));
    return id;
  }

  Result<std::vector<AlertRow>> ListAlerts(std::string_view view, Timestamp since,
                                           size_t limit) override {
    return WithReader([&](SqliteDb& db) -> Result<std::vector<AlertRow>> {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kListAlerts));
      stmt.Bind(1, view).Bind(2, since.nanos()).Bind(3, ClampLimit(limit));
      return ReadRows<AlertRow>(stmt, [](const Statement& s) {
        AlertRow r;
        r.id = static_cast<uint64_t>(s.Int(0));
        r.time = Timestamp::FromNanos(s.Int(1));
        r.kind = s.Text(2);
        r.view = s.Text(3);
        r.label = s.Text(4);
        r.json = s.Text(5);
        return r;
      });
    });
  }

  // --- retention, stats, flush ---

  Status PruneOlderThan(Timestamp cutoff) override {
    return RunTask(
        [&](SqliteDb& db) -> Status {
          for (;;) {
            BIAC_RETURN_IF_ERROR(db.Exec("begin prune", "BEGIN IMMEDIATE"));
            Result<size_t> deleted = PruneChunk(db, cutoff);
            if (!deleted.ok()) {
              (void)db.Exec("rollback prune", "ROLLBACK");
              return deleted.error();
            }
            BIAC_RETURN_IF_ERROR(db.Exec("commit prune", "COMMIT"));
            if (*deleted == 0) return Status::Ok();
          }
        },
        /*transaction=*/false);
  }

  StoreStats stats() const override { return queue_.stats(); }

  Status Flush() override { return queue_.Flush(); }

 private:
  // --- helpers for readers ---

  template <typename F>
  auto WithReader(F&& body) -> decltype(body(std::declval<SqliteDb&>())) {
    std::unique_ptr<SqliteDb> db;
    {
      std::lock_guard lock(pool_mu_);
      if (!readers_.empty()) {
        db = std::move(readers_.back());
        readers_.pop_back();
      }
    }
    if (db == nullptr) {
      auto opened = OpenReader();
      if (!opened.ok()) return opened.error();
      db = std::move(opened).value();
    }
    auto result = body(*db);
    if (!sqlite3_get_autocommit(db->handle())) (void)db->Exec("end read", "ROLLBACK");
    std::lock_guard lock(pool_mu_);
    readers_.push_back(std::move(db));
    return result;
  }

  Result<std::unique_ptr<SqliteDb>> OpenReader() const {
    BIAC_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db,
                          SqliteDb::Open(options_.path, /*create=*/false, BusyTimeoutMs()));
    BIAC_RETURN_IF_ERROR(db->Exec("set query_only", "PRAGMA query_only = 1"));
    return db;
  }

  int BusyTimeoutMs() const {
    return static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.busy_timeout).count());
  }

  static Result<uint64_t> ReadMaxId(SqliteDb& db) {
    uint64_t max_id = 0;
    {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kMaxId));
      BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
      if (row && !stmt.IsNull(0)) max_id = static_cast<uint64_t>(stmt.Int(0));
    }
    BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kGetMeta));
    stmt.Bind(1, std::string_view(kMaxIdKey));
    BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (row) max_id = std::max(max_id, static_cast<uint64_t>(stmt.Int(0)));
    return max_id;
  }

  static Status DecodeStored(const SqliteDb& db, int64_t id, std::string_view blob,
                             ObservationDecoder& decoder, model::Observation& out) {
    const Status status =
        decoder.Decode(std::span(reinterpret_cast<const uint8_t*>(blob.data()), blob.size()), out);
    if (!status.ok()) {
      return Internal(db.path() + ": observation " + std::to_string(id) + ": " + status.message());
    }
    return Status::Ok();
  }

  static Status CollectText(Statement& stmt, std::vector<std::string>& out) {
    for (;;) {
      BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
      if (!row) return Status::Ok();
      out.emplace_back(stmt.Text(0));
    }
  }

  template <typename Row, typename F>
  static Result<std::vector<Row>> ReadRows(Statement& stmt, F read) {
    std::vector<Row> rows;
    for (;;) {
      BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
      if (!row) return rows;
      rows.push_back(read(stmt));
    }
  }

  static AccountRow ReadAccount(const Statement& s) {
    AccountRow r;
    r.name = s.Text(0);
    r.role = s.Text(1);
    r.profile_json = s.Text(2);
    r.password_hash = s.Text(3);
    r.certificate_subject = s.Text(4);
    r.disabled = s.Int(5) != 0;
    return r;
  }

  static TokenRow ReadToken(const Statement& s) {
    TokenRow r;
    r.id = s.Text(0);
    r.secret_hash = s.Text(1);
    r.user = s.Text(2);
    r.description = s.Text(3);
    r.created = Timestamp::FromNanos(s.Int(4));
    r.expires = Timestamp::FromNanos(s.Int(5));
    r.revoked = s.Int(6) != 0;
    return r;
  }

  template <typename Key>
  static Status ChangeOne(SqliteDb& db, const Sql& sql, Key key, const std::string& what) {
    BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
    stmt.Bind(1, key);
    BIAC_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db.handle()) == 0) return NotFound(db.path() + ": " + what + " not found");
    return Status::Ok();
  }

  // --- the writer (WriterQueue runs it on its thread) ---

  // A small-table write, on the writer thread ahead of the bulk queue; `transaction`: in its
  // own transaction (false: the task manages its own transactions).
  Status RunTask(const std::function<Status(SqliteDb&)>& run, bool transaction = true) {
    return queue_.RunTask([&]() -> Status {
      Status result;
      if (transaction) {
        result = db_->Exec("begin", "BEGIN IMMEDIATE");
        if (result.ok()) {
          result = run(*db_);
          if (result.ok()) result = db_->Exec("commit", "COMMIT");
          if (!result.ok() && !sqlite3_get_autocommit(db_->handle())) {
            (void)db_->Exec("rollback", "ROLLBACK");
          }
        }
      } else {
        result = run(*db_);
      }
      if (!result.ok()) views_.clear();  // a pruning task may have left the cache behind
      return result;
    });
  }

  // WriterBackend: one bulk transaction. BEGIN IMMEDIATE takes the write lock (waiting up to
  // busy_timeout) before the writer takes anything from the queue.
  Status Begin() override {
    source_counts_.clear();
    transaction_max_id_ = stored_max_id_;
    return db_->Exec("begin bulk transaction", "BEGIN IMMEDIATE");
  }

  Status Apply(std::span<const WriterItem> items) override {
    for (const WriterItem& item : items) {
      if (item.kind == WriterItem::Kind::kObservations) {
        BIAC_RETURN_IF_ERROR(ApplyObservations(item.As<ObservationBatch>()));
      } else {
        BIAC_RETURN_IF_ERROR(ApplyPicture(item.As<PictureBatch>()));
      }
    }
    return Status::Ok();
  }

  // The per-transaction bookkeeping, a chunk of automatic retention when it is due, COMMIT.
  Status Commit(uint64_t max_observation_id) override {
    BIAC_RETURN_IF_ERROR(FinishBatch(max_observation_id));
    if (auto_prune_) {
      BIAC_ASSIGN_OR_RETURN(const size_t deleted, PruneChunk(*db_, auto_prune_cutoff_));
      if (deleted == 0) auto_prune_ = false;
    }
    BIAC_RETURN_IF_ERROR(db_->Exec("commit bulk transaction", "COMMIT"));
    stored_max_id_ = transaction_max_id_;
    return Status::Ok();
  }

  void Abort() override {
    if (!sqlite3_get_autocommit(db_->handle())) (void)db_->Exec("rollback", "ROLLBACK");
    views_.clear();  // the rolled-back picture changes: reload from the file on next use
  }

  // About once a minute: automatic retention is due, one chunk per bulk transaction.
  void Periodic() override {
    if (options_.retention_hours <= 0) return;
    auto_prune_cutoff_ = WallNow() - FromSeconds(options_.retention_hours * 3600.0);
    auto_prune_ = true;
  }

  bool HasOwnWork() const override { return auto_prune_; }

  Status ApplyObservations(const ObservationBatch& batch) {
    BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kInsertBlock));
    const std::string& arena = batch.arena;
    for (const ObservationBlock& block : batch.blocks) {
      // Ids increase in queue order (store.h); a block at or below the highest stored id
      // would overlap a stored one, which the block table's key cannot see.
      if (block.first_id <= transaction_max_id_) {
        return Unavailable(options_.path + ": insert observation: id " +
                           std::to_string(block.first_id) + " is not above the highest stored id " +
                           std::to_string(transaction_max_id_));
      }
      stmt.Reset();
      stmt.Bind(1, block.first_id).Bind(2, block.last_id).Bind(3, batch.arrival);
      stmt.Bind(4, block.source.In(arena)).Bind(5, block.count);
      stmt.BindBlob(6, block.records.In(arena));
      BIAC_RETURN_IF_ERROR(stmt.Run());
      source_counts_[block.source.In(arena)] += static_cast<uint64_t>(block.count);
      transaction_max_id_ = block.last_id;
    }
    return Status::Ok();
  }

  // Per-transaction bookkeeping: source counts and the highest id ever stored.
  Status FinishBatch(uint64_t max_id) {
    for (const auto& [source, count] : source_counts_) {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kAddSourceCount));
      stmt.Bind(1, source).Bind(2, static_cast<int64_t>(count));
      BIAC_RETURN_IF_ERROR(stmt.Run());
    }
    source_counts_.clear();
    if (max_id > 0) {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kPutMaxId));
      stmt.Bind(1, std::string_view(kMaxIdKey)).Bind(2, max_id);
      BIAC_RETURN_IF_ERROR(stmt.Run());
    }
    return Status::Ok();
  }

  Status LoadView(const std::string& view, ViewState& state) {
    state.tracks.clear();
    BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kLoadView));
    stmt.Bind(1, view);
    for (;;) {
      BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
      if (!row) break;
      TrackSlot slot;
      slot.row_id = stmt.Int(0);
      slot.time = stmt.Int(2);
      slot.json_hash = std::hash<std::string_view>()(stmt.Text(3));
      slot.boxed = !stmt.IsNull(4);
      for (int i = 0; i < 4 && slot.boxed; ++i) slot.box[i] = stmt.Double(4 + i);
      state.tracks[static_cast<uint64_t>(stmt.Int(1))] = slot;
    }
    state.loaded = true;
    return Status::Ok();
  }

  Status PutBox(TrackSlot& slot, double lat, double lon) {
    if (!std::isfinite(lat) || !std::isfinite(lon)) {
      if (!slot.boxed) return Status::Ok();
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kDeleteBox));
      stmt.Bind(1, slot.row_id);
      slot.boxed = false;
      return stmt.Run();
    }
    if (Inside(slot, lat, lon)) return Status::Ok();
    slot.box[0] = lon - kBoxSlackDeg;
    slot.box[1] = lon + kBoxSlackDeg;
    slot.box[2] = lat - kBoxSlackDeg;
    slot.box[3] = lat + kBoxSlackDeg;
    slot.boxed = true;
    BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kPutBox));
    stmt.Bind(1, slot.row_id);
    for (int i = 0; i < 4; ++i) stmt.Bind(2 + i, slot.box[i]);
    return stmt.Run();
  }

  Status ApplyPicture(const PictureBatch& batch) {
    ViewState& state = views_[batch.view];
    if (!state.loaded) BIAC_RETURN_IF_ERROR(LoadView(batch.view, state));
    const uint64_t generation = ++state.generation;
    const auto interval = static_cast<int64_t>(options_.history_interval_s * 1e9);
    const std::string& arena = batch.arena;
    for (const TrackRow& row : batch.rows) {
      const std::string_view json = row.json.In(arena);
      const size_t hash = std::hash<std::string_view>()(json);
      auto [it, inserted] = state.tracks.try_emplace(row.id);
      TrackSlot& slot = it->second;
      // A track id listed twice (a caller's bug) keeps its first state: failing the commit
      // would retry the same picture forever and stall every other write.
      if (slot.seen == generation) continue;
      slot.seen = generation;
      if (inserted) {
        BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kInsertCurrent));
        stmt.Bind(1, std::string_view(batch.view)).Bind(2, row.id).Bind(3, row.time);
        stmt.Bind(4, row.lat).Bind(5, row.lon).Bind(6, json);
        BIAC_RETURN_IF_ERROR(stmt.Run());
        slot.row_id = sqlite3_last_insert_rowid(db_->handle());
        slot.time = row.time;
        slot.json_hash = hash;
        BIAC_RETURN_IF_ERROR(PutBox(slot, row.lat, row.lon));
      } else if (slot.json_hash != hash) {
        BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kUpdateCurrent));
        stmt.Bind(1, slot.row_id).Bind(2, row.time).Bind(3, row.lat).Bind(4, row.lon);
        stmt.Bind(5, json);
        BIAC_RETURN_IF_ERROR(stmt.Run());
        slot.time = row.time;
        slot.json_hash = hash;
        BIAC_RETURN_IF_ERROR(PutBox(slot, row.lat, row.lon));
      }
      const bool first = slot.history_time == std::numeric_limits<int64_t>::min();
      if (first || (row.time != slot.history_time && row.time - slot.history_time >= interval)) {
        BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kInsertHistory));
        stmt.Bind(1, std::string_view(batch.view)).Bind(2, row.id).Bind(3, row.time);
        stmt.Bind(4, row.lat).Bind(5, row.lon).Bind(6, json);
        BIAC_RETURN_IF_ERROR(stmt.Run());
        slot.history_time = row.time;
      }
    }
    for (const uint64_t id : batch.kept) {
      TrackSlot* kept =
          KeptSlot(state.tracks, id, generation, pictures_, queue_, options_.path, batch.view);
      if (kept == nullptr) continue;
      TrackSlot& slot = *kept;
      // The writer's memory was rebuilt from the file (a failed commit): a first history
      // row, as for a track new to this process, copied from its current row.
      if (slot.history_time == std::numeric_limits<int64_t>::min()) {
        BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kEndHistory));
        stmt.Bind(1, slot.row_id);
        BIAC_RETURN_IF_ERROR(stmt.Run());
        slot.history_time = slot.time;
      }
    }
    // Tracks absent from this picture have ended: keep their last state in the history.
    for (auto it = state.tracks.begin(); it != state.tracks.end();) {
      TrackSlot& slot = it->second;
      if (slot.seen == generation) {
        ++it;
        continue;
      }
      if (slot.history_time != slot.time) {
        BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kEndHistory));
        stmt.Bind(1, slot.row_id);
        BIAC_RETURN_IF_ERROR(stmt.Run());
      }
      {
        BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kDeleteCurrent));
        stmt.Bind(1, slot.row_id);
        BIAC_RETURN_IF_ERROR(stmt.Run());
      }
      if (slot.boxed) {
        BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kDeleteBox));
        stmt.Bind(1, slot.row_id);
        BIAC_RETURN_IF_ERROR(stmt.Run());
      }
      it = state.tracks.erase(it);
    }
    BIAC_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(kPutView));
    stmt.Bind(1, std::string_view(batch.view)).Bind(2, batch.time);
    return stmt.Run();
  }

  // Deletes up to kPruneBlocks observation blocks older than cutoff (and updates the
  // per-source counts) and up to kPruneChunk history rows per view; returns the number of
  // rows deleted.
  static Result<size_t> PruneChunk(SqliteDb& db, Timestamp cutoff) {
    size_t deleted = 0;
    std::vector<std::pair<std::string, int64_t>> counts;
    {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kPruneCounts));
      stmt.Bind(1, cutoff.nanos()).Bind(2, static_cast<int64_t>(kPruneBlocks));
      for (;;) {
        BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
        if (!row) break;
        counts.emplace_back(std::string(stmt.Text(0)), stmt.Int(1));
      }
    }
    if (!counts.empty()) {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kPruneObservations));
      stmt.Bind(1, cutoff.nanos()).Bind(2, static_cast<int64_t>(kPruneBlocks));
      BIAC_RETURN_IF_ERROR(stmt.Run());
      deleted += static_cast<size_t>(sqlite3_changes(db.handle()));
      for (const auto& [source, count] : counts) {
        BIAC_ASSIGN_OR_RETURN(Statement sub, db.Prepare(kSubtractSourceCount));
        sub.Bind(1, std::string_view(source)).Bind(2, count);
        BIAC_RETURN_IF_ERROR(sub.Run());
      }
    }
    std::vector<std::string> views;
    {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kListViews));
      BIAC_RETURN_IF_ERROR(CollectText(stmt, views));
    }
    for (const std::string& view : views) {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kPruneHistory));
      stmt.Bind(1, std::string_view(view)).Bind(2, cutoff.nanos());
      stmt.Bind(3, static_cast<int64_t>(kPruneChunk));
      BIAC_RETURN_IF_ERROR(stmt.Run());
      deleted += static_cast<size_t>(sqlite3_changes(db.handle()));
    }
    return deleted;
  }

  const StoreOptions options_;
  const std::unique_ptr<SqliteDb> db_;  // the writer's connection: only the writer thread uses it

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<SqliteDb>> readers_;  // idle reader connections

  PictureMemory pictures_;  // what PutPicture last queued per view (any thread)

  // Writer-thread state.
  std::unordered_map<std::string, ViewState> views_;
  // Per transaction; the views point into the taken items' arenas.
  std::unordered_map<std::string_view, uint64_t> source_counts_;
  bool auto_prune_ = false;
  Timestamp auto_prune_cutoff_;
  uint64_t stored_max_id_ = 0;       // the highest observation id committed (or ever stored)
  uint64_t transaction_max_id_ = 0;  // the same, with the open transaction's blocks

  WriterQueue queue_;  // last: stopped in the destructor, before the state above goes away
};

Status CreateOrCheckSchema(SqliteDb& db) {
  BIAC_RETURN_IF_ERROR(db.Exec("begin schema", "BEGIN IMMEDIATE"));
  Status status = [&]() -> Status {
    static constexpr Sql kUserVersion{"read schema version", "PRAGMA user_version"};
    static constexpr Sql kObjects{"read schema", "SELECT count(*) FROM sqlite_schema"};
    int64_t version = 0;
    {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kUserVersion));
      BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
      if (row) version = stmt.Int(0);
    }
    if (version > kSchemaVersion) {
      return FailedPrecondition(db.path() + ": schema version " + std::to_string(version) +
                                " is newer than this biac supports (" +
                                std::to_string(kSchemaVersion) + "); use a newer biac");
    }
    if (version == kSchemaVersion) return Status::Ok();
    if (version == 1) return db.Exec("migrate schema from version 1", kMigrateFromVersion1);
    int64_t objects = 0;
    {
      BIAC_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kObjects));
      BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
      if (row) objects = stmt.Int(0);
    }
    if (objects != 0) {
      return FailedPrecondition(db.path() + ": not a biac store (schema version " +
                                std::to_string(version) + " with " + std::to_string(objects) +
                                " schema objects)");
    }
    return db.Exec("create schema", kSchema);
  }();
  if (!status.ok()) {
    (void)db.Exec("rollback schema", "ROLLBACK");
    return status;
  }
  return db.Exec("commit schema", "COMMIT");
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqlite(const StoreOptions& options) {
  BIAC_RETURN_IF_ERROR(options.Validate());
  const int busy_ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(options.busy_timeout).count());
  BIAC_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db,
                        SqliteDb::Open(options.path, /*create=*/true, busy_ms));
  {
    static constexpr Sql kJournalMode{"set journal_mode=WAL", "PRAGMA journal_mode = WAL"};
    BIAC_ASSIGN_OR_RETURN(Statement stmt, db->Prepare(kJournalMode));
    BIAC_ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row || stmt.Text(0) != "wal") {
      return Unavailable(options.path + ": set journal_mode=WAL: the file stays in mode \"" +
                         std::string(row ? stmt.Text(0) : "") + "\"");
    }
  }
  BIAC_RETURN_IF_ERROR(db->Exec("set synchronous", options.synchronous_full
                                                       ? "PRAGMA synchronous = FULL"
                                                       : "PRAGMA synchronous = NORMAL"));
  // 64 MiB of page cache for the writer: the id and arrival indexes stay in memory.
  BIAC_RETURN_IF_ERROR(db->Exec("set cache_size", "PRAGMA cache_size = -65536"));
  BIAC_RETURN_IF_ERROR(CreateOrCheckSchema(*db));
  auto store = std::make_unique<SqliteStore>(options, std::move(db));
  BIAC_RETURN_IF_ERROR(store->Start());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace biac::storage
