#include "biac/storage/store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <libpq-fe.h>
#include <ostream>
#include <random>
#include <set>
#include <signal.h>
#include <sqlite3.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "biac/labels/label.h"
#include "biac/model/picture_json.h"
#include "biac/storage/observation_codec.h"
#include "biac/storage/pg_fixture.h"
#include "biac/storage/postgres_store.h"

namespace biac::storage {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Timestamp kT0 = Timestamp::FromNanos(1'780'000'000'000'000'000LL);  // 2026-05-28

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "biac_storage_XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

labels::Label MustParse(std::string_view text) {
  Result<labels::Label> label = labels::Parse(text);
  EXPECT_TRUE(label.ok()) << label.status().ToString();
  return label.ok() ? *label : labels::Label();
}

const labels::Label& RelLabel() {
  static const labels::Label label = MustParse("SECRET//REL TO USA, JPN");
  return label;
}

model::Observation MakeObservation(uint64_t id, std::string source) {
  model::Observation o;
  o.id = id;
  o.time = kT0 + seconds(id);
  o.source = std::move(source);
  o.sensor = "rx1";
  o.source_kind = model::SourceKind::kAis;
  o.position = {26.0 + 1e-6 * static_cast<double>(id), 127.5, 0};
  o.position_covariance = Eigen::Matrix3d::Identity() * 100;
  o.identity.mmsi = static_cast<uint32_t>(431000000 + id);
  o.label = RelLabel();
  return o;
}

model::FusedTrack MakeTrack(uint64_t id, Timestamp time, double lat, double lon) {
  model::FusedTrack t;
  t.id = id;
  t.time = time;
  t.position = {lat, lon, 0};
  t.velocity_enu = Eigen::Vector3d(1, 2, 0);
  t.covariance = Eigen::Matrix<double, 6, 6>::Identity();
  t.identity.mmsi = static_cast<uint32_t>(id);
  t.domain = model::Domain::kSea;
  t.label = RelLabel();
  t.sources = {"ais-naha"};
  t.provenance = {id, id + 1};
  t.updates = 2;
  return t;
}

// --- the two backends ------------------------------------------------------------------------
// Every store test runs on both: SQLite (a file in a temporary directory) and PostgreSQL (a
// fresh database on the test server of pg_fixture.h; skipped, with the reason, when the
// PostgreSQL binaries are absent). Options() are SQLite's; Open() maps them onto
// PostgresOptions with PostgresOptionsFrom, as the node does.

enum class Backend { kSqlite, kPostgres };
void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kSqlite ? "SQLite" : "PostgreSQL");
}

// Holds the store's tables from another session, so the writer cannot commit: SQLite's write
// lock (BEGIN IMMEDIATE), or PostgreSQL's EXCLUSIVE lock on the bulk tables (readers pass).
class WriteBlocker {
 public:
  WriteBlocker(sqlite3* sqlite, PGconn* pg) : sqlite_(sqlite), pg_(pg) {}
  ~WriteBlocker() { Release(); }
  WriteBlocker(const WriteBlocker&) = delete;
  WriteBlocker& operator=(const WriteBlocker&) = delete;
  void Release() {
    if (sqlite_ != nullptr) {
      EXPECT_EQ(sqlite3_exec(sqlite_, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
      sqlite3_close(sqlite_);
      sqlite_ = nullptr;
    }
    if (pg_ != nullptr) {
      PQclear(PQexec(pg_, "COMMIT"));
      PQfinish(pg_);
      pg_ = nullptr;
    }
  }

 private:
  sqlite3* sqlite_;
  PGconn* pg_;
};

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() != Backend::kPostgres) return;
    Result<pgtest::Server*> server = pgtest::SharedServer();
    if (!server.ok()) GTEST_SKIP() << server.error().message();
    server_ = *server;
    Result<std::string> url = server_->CreateDatabase();
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
  }

  bool postgres() const { return GetParam() == Backend::kPostgres; }

  StoreOptions Options() const {
    StoreOptions options;
    options.path = dir_.File("store.db");
    options.commit_interval = milliseconds(5);
    options.retention_hours = 0;
    return options;
  }

  // What the store's messages name: the file, or the connection URI (it has no password).
  std::string Where() const { return postgres() ? url_ : Options().path; }

  Result<std::unique_ptr<Store>> Open(const StoreOptions& options) const {
    if (!postgres()) return OpenSqlite(options);
    return OpenPostgres(PostgresOptionsFrom(options, url_));
  }

  std::unique_ptr<Store> MustOpen(const StoreOptions& options) const {
    Result<std::unique_ptr<Store>> store = Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // The test database's name, from its URI "postgresql:///<name>?...".
  std::string Database() const {
    const size_t start = url_.find(":///") + 4;
    return url_.substr(start, url_.find('?') - start);
  }

  // The first value of a query on the test database, through a connection of its own.
  std::string PgQuery(std::string_view sql) const {
    Result<std::string> value = server_->Query(Database(), sql);
    EXPECT_TRUE(value.ok()) << value.status().ToString();
    return value.ok() ? *value : std::string();
  }

  std::unique_ptr<WriteBlocker> BlockWriter() const {
    if (!postgres()) {
      sqlite3* db = nullptr;
      EXPECT_EQ(sqlite3_open(Options().path.c_str(), &db), SQLITE_OK);
      EXPECT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
      return std::make_unique<WriteBlocker>(db, nullptr);
    }
    PGconn* conn = PQconnectdb(url_.c_str());
    EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
    PGresult* r = PQexec(conn, "BEGIN; LOCK TABLE observations, track_current IN EXCLUSIVE MODE");
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
    PQclear(r);
    return std::make_unique<WriteBlocker>(nullptr, conn);
  }

  TempDir dir_;
  pgtest::Server* server_ = nullptr;
  std::string url_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return std::string(info.param == Backend::kSqlite ? "Sqlite"
                                                                             : "Postgres");
                         });

// --- observations ----------------------------------------------------------------------------

TEST_P(StoreTest, ObservationsRoundTripAndWatermark) {
  auto store = MustOpen(Options());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->committed_observation_id(), 0u);
  std::vector<model::Observation> batch;
  for (uint64_t id = 1; id <= 100; ++id) batch.push_back(MakeObservation(id, id % 3 ? "a" : "b"));
  batch[7].sensor_relative.emplace();
  batch[7].sensor_relative->range_m = 5000;
  store->AppendObservations(std::span(batch).first(60), kT0);
  store->AppendObservations(std::span(batch).subspan(60), kT0 + seconds(10));
  ASSERT_TRUE(store->WaitCommitted(100, seconds(30)));
  EXPECT_EQ(store->committed_observation_id(), 100u);
  EXPECT_EQ(*store->MaxObservationId(), 100u);
  EXPECT_EQ(*store->CountObservations(""), 100u);
  EXPECT_EQ(*store->CountObservations("b"), 33u);  // multiples of 3 up to 99
  EXPECT_EQ(*store->CountObservations("a"), 67u);
  EXPECT_EQ(*store->CountObservations("none"), 0u);

  const uint64_t wanted[] = {99, 8, 8, 1000, 1};
  Result<std::vector<model::Observation>> by_id = store->ObservationsById(wanted);
  ASSERT_TRUE(by_id.ok()) << by_id.status().ToString();
  ASSERT_EQ(by_id->size(), 3u);
  EXPECT_TRUE(SameObservation((*by_id)[0], batch[0]));
  EXPECT_TRUE(SameObservation((*by_id)[1], batch[7]));
  EXPECT_TRUE(SameObservation((*by_id)[2], batch[98]));

  // Arrival filter and paging by id.
  Result<std::vector<StoredObservation>> since = store->ObservationsSince(kT0 + seconds(5), 0, 15);
  ASSERT_TRUE(since.ok()) << since.status().ToString();
  ASSERT_EQ(since->size(), 15u);
  EXPECT_EQ(since->front().observation.id, 61u);
  EXPECT_EQ(since->front().arrival, kT0 + seconds(10));
  EXPECT_EQ(since->back().observation.id, 75u);
  since = store->ObservationsSince(kT0 + seconds(5), 75, 1000);
  ASSERT_TRUE(since.ok());
  ASSERT_EQ(since->size(), 25u);
  EXPECT_EQ(since->front().observation.id, 76u);
  EXPECT_TRUE(SameObservation(since->back().observation, batch[99]));
  since = store->ObservationsSince(kT0, 0, 1000);
  ASSERT_TRUE(since.ok());
  EXPECT_EQ(since->size(), 100u);
  since = store->ObservationsSince(kT0 + seconds(11), 0, 1000);
  ASSERT_TRUE(since.ok());
  EXPECT_TRUE(since->empty());

  const StoreStats stats = store->stats();
  EXPECT_EQ(stats.committed_observations, 100u);
  EXPECT_EQ(stats.queued, 100u);
  EXPECT_EQ(stats.queue_depth, 0u);
  EXPECT_EQ(stats.failed_commits, 0u);
  EXPECT_GE(stats.commits, 1u);
}

// Batches longer than a block (128 records, SQLite), one source and mixed sources: paging
// and lookups by id across block boundaries.
TEST_P(StoreTest, ObservationsAcrossManyBlocks) {
  auto store = MustOpen(Options());
  std::vector<model::Observation> batch;
  for (uint64_t id = 1; id <= 700; ++id) {
    batch.push_back(MakeObservation(id, id <= 300 || id % 50 == 0 ? "a" : "b"));
  }
  store->AppendObservations(std::span(batch).first(450), kT0);
  // Ids need not be consecutive, only increasing: skip 451..460.
  store->AppendObservations(std::span(batch).subspan(460), kT0 + seconds(1));
  ASSERT_TRUE(store->WaitCommitted(700, seconds(30)));
  EXPECT_EQ(*store->CountObservations(""), 690u);
  EXPECT_EQ(*store->CountObservations("a"), 308u);  // 1..300 and 350, 400, ..., 700
  std::vector<uint64_t> expected;
  for (uint64_t id = 1; id <= 700; ++id) {
    if (id <= 450 || id > 460) expected.push_back(id);
  }
  std::vector<uint64_t> paged;
  uint64_t after = 0;
  for (;;) {
    Result<std::vector<StoredObservation>> page = store->ObservationsSince(kT0, after, 97);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    for (const StoredObservation& o : *page) {
      EXPECT_TRUE(SameObservation(o.observation, batch[o.observation.id - 1]));
      EXPECT_EQ(o.arrival, o.observation.id <= 450 ? kT0 : kT0 + seconds(1));
      paged.push_back(o.observation.id);
    }
    after = paged.back();
  }
  EXPECT_EQ(paged, expected);
  Result<std::vector<StoredObservation>> late = store->ObservationsSince(kT0 + seconds(1), 500, 5);
  ASSERT_TRUE(late.ok());
  ASSERT_EQ(late->size(), 5u);
  EXPECT_EQ(late->front().observation.id, 501u);
  const std::vector<uint64_t> wanted = {700, 1, 128, 129, 130, 256, 257, 299, 300, 301,
                                        450, 451, 455, 460, 461, 462, 650, 651, 9999};
  Result<std::vector<model::Observation>> by_id = store->ObservationsById(wanted);
  ASSERT_TRUE(by_id.ok()) << by_id.status().ToString();
  std::vector<uint64_t> found;
  for (const model::Observation& o : *by_id) {
    EXPECT_TRUE(SameObservation(o, batch[o.id - 1]));
    found.push_back(o.id);
  }
  EXPECT_EQ(found, (std::vector<uint64_t>{1, 128, 129, 130, 256, 257, 299, 300, 301, 450, 461,
                                          462, 650, 651, 700}));
  // Pruning the first arrival removes exactly its observations and their counts.
  ASSERT_TRUE(store->PruneOlderThan(kT0 + milliseconds(1)).ok());
  EXPECT_EQ(*store->CountObservations(""), 240u);
  EXPECT_EQ(*store->CountObservations("a"), 5u);
  EXPECT_EQ(store->ObservationsSince(Timestamp(), 0, 1)->front().observation.id, 461u);
  EXPECT_EQ(*store->MaxObservationId(), 700u);
}

TEST_P(StoreTest, ReopenResumesIdsAndKeepsData) {
  const StoreOptions options = Options();
  {
    auto store = MustOpen(options);
    std::vector<model::Observation> batch = {MakeObservation(41, "a"), MakeObservation(42, "a")};
    store->AppendObservations(batch, kT0);
  }  // the destructor flushes
  auto store = MustOpen(options);
  EXPECT_EQ(*store->MaxObservationId(), 42u);
  EXPECT_EQ(store->committed_observation_id(), 42u);
  EXPECT_EQ(*store->CountObservations("a"), 2u);
  // Pruning everything keeps the resume point (ids are never reused).
  ASSERT_TRUE(store->PruneOlderThan(kT0 + seconds(1)).ok());
  EXPECT_EQ(*store->CountObservations(""), 0u);
  EXPECT_EQ(*store->MaxObservationId(), 42u);
}

// A SQLite file of schema version 1 (one row per observation) is migrated on open: each
// row becomes a block of one record, and the store goes on from there.
TEST(SqliteStoreTest, MigratesSchemaVersion1) {
  TempDir dir;
  StoreOptions options;
  options.path = dir.File("v1.db");
  options.commit_interval = milliseconds(5);
  options.retention_hours = 0;
  std::vector<model::Observation> batch;
  for (uint64_t id = 1; id <= 3; ++id) batch.push_back(MakeObservation(id, id == 2 ? "b" : "a"));
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(options.path.c_str(), &db), SQLITE_OK);
    // The version 1 tables that matter here (docs/storage.md, schema history).
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE observations(id INTEGER PRIMARY KEY, arrival INTEGER "
                           "NOT NULL, time INTEGER NOT NULL, source TEXT NOT NULL, sensor TEXT "
                           "NOT NULL, label TEXT NOT NULL, record BLOB NOT NULL);"
                           "CREATE INDEX observations_arrival ON observations(arrival);"
                           "CREATE TABLE source_counts(source TEXT PRIMARY KEY, count INTEGER "
                           "NOT NULL) WITHOUT ROWID;"
                           "INSERT INTO source_counts VALUES('a', 2), ('b', 1);"
                           "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) "
                           "WITHOUT ROWID;"
                           "INSERT INTO meta VALUES('max_observation_id', 3);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "INSERT INTO observations VALUES(?1, ?2, ?3, ?4, 'rx1', '', ?5)",
                                 -1, &stmt, nullptr),
              SQLITE_OK);
    for (const model::Observation& o : batch) {
      const std::string record = EncodeObservation(o);
      sqlite3_bind_int64(stmt, 1, static_cast<sqlite3_int64>(o.id));
      sqlite3_bind_int64(stmt, 2, (kT0 + seconds(o.id)).nanos());
      sqlite3_bind_int64(stmt, 3, o.time.nanos());
      sqlite3_bind_text(stmt, 4, o.source.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob(stmt, 5, record.data(), static_cast<int>(record.size()), SQLITE_TRANSIENT);
      ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
      sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    // The rest of the version 1 schema (unchanged in version 2).
    ASSERT_EQ(
        sqlite3_exec(db,
                     "CREATE TABLE views(view TEXT PRIMARY KEY, time INTEGER NOT NULL) "
                     "WITHOUT ROWID;"
                     "CREATE TABLE track_current(id INTEGER PRIMARY KEY, view TEXT NOT NULL, "
                     "track_id INTEGER NOT NULL, time INTEGER NOT NULL, lat REAL, lon REAL, "
                     "json TEXT NOT NULL, UNIQUE(view, track_id));"
                     "CREATE VIRTUAL TABLE track_current_box USING rtree(id, min_lon, max_lon, "
                     "min_lat, max_lat);"
                     "CREATE TABLE track_history(view TEXT NOT NULL, track_id INTEGER NOT NULL, "
                     "time INTEGER NOT NULL, lat REAL, lon REAL, json TEXT NOT NULL);"
                     "CREATE INDEX track_history_track ON track_history(view, track_id, time);"
                     "CREATE INDEX track_history_time ON track_history(view, time);"
                     "CREATE TABLE accounts(name TEXT PRIMARY KEY, role TEXT NOT NULL, "
                     "profile_json TEXT NOT NULL, password_hash TEXT NOT NULL, "
                     "certificate_subject TEXT NOT NULL, disabled INTEGER NOT NULL) WITHOUT ROWID;"
                     "CREATE TABLE tokens(id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, user "
                     "TEXT NOT NULL, description TEXT NOT NULL, created INTEGER NOT NULL, "
                     "expires INTEGER NOT NULL, revoked INTEGER NOT NULL) WITHOUT ROWID;"
                     "CREATE INDEX tokens_user ON tokens(user);"
                     "CREATE TABLE areas(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT "
                     "NULL, owner TEXT NOT NULL, geometry_json TEXT NOT NULL, label TEXT NOT "
                     "NULL, created INTEGER NOT NULL);"
                     "CREATE TABLE alerts(id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT "
                     "NULL, kind TEXT NOT NULL, view TEXT NOT NULL, label TEXT NOT NULL, json "
                     "TEXT NOT NULL);"
                     "CREATE INDEX alerts_time ON alerts(time);"
                     "CREATE INDEX alerts_view_time ON alerts(view, time);"
                     "PRAGMA user_version = 1;",
                     nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);
  }
  Result<std::unique_ptr<Store>> opened = OpenSqlite(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;
  EXPECT_EQ(*store.MaxObservationId(), 3u);
  EXPECT_EQ(*store.CountObservations("a"), 2u);
  const uint64_t ids[] = {3, 2, 1};
  Result<std::vector<model::Observation>> by_id = store.ObservationsById(ids);
  ASSERT_TRUE(by_id.ok()) << by_id.status().ToString();
  ASSERT_EQ(by_id->size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(SameObservation((*by_id)[i], batch[i]));
  Result<std::vector<StoredObservation>> since = store.ObservationsSince(kT0 + seconds(2), 0, 10);
  ASSERT_TRUE(since.ok()) << since.status().ToString();
  ASSERT_EQ(since->size(), 2u);
  EXPECT_EQ(since->front().arrival, kT0 + seconds(2));
  EXPECT_TRUE(SameObservation(since->back().observation, batch[2]));
  std::vector<model::Observation> more = {MakeObservation(4, "a"), MakeObservation(5, "a")};
  store.AppendObservations(more, kT0 + seconds(9));
  ASSERT_TRUE(store.Flush().ok());
  EXPECT_EQ(store.ObservationsSince(kT0, 2, 10)->size(), 3u);
  EXPECT_EQ(*store.CountObservations("a"), 4u);
}

TEST_P(StoreTest, RefusesNewerSchemaAndForeignFiles) {
  { auto store = MustOpen(Options()); }
  if (postgres()) {
    PgQuery("UPDATE biac_meta SET value = 7 WHERE key = 'schema_version'");
    Result<std::unique_ptr<Store>> store = Open(Options());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().message(),
              url_ + ": schema version 7 is newer than this biac supports (1); use a newer biac");
    // A database holding other tables.
    Result<std::string> foreign = server_->CreateDatabase();
    ASSERT_TRUE(foreign.ok()) << foreign.status().ToString();
    url_ = *foreign;
    PgQuery("CREATE TABLE t(x integer)");
    store = Open(Options());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().message(), url_ + ": not a biac store (1 tables and no biac_meta)");
    // A database that does not exist: the message names the URI and the step.
    const std::string missing = url_.substr(0, url_.find('?')) + "_missing" +
                                url_.substr(url_.find('?'));
    url_ = missing;
    store = Open(Options());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().message().rfind(missing + ": connect: ", 0), 0u)
        << store.error().message();
    return;
  }
  const std::string path = Options().path;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 7", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  Result<std::unique_ptr<Store>> store = OpenSqlite(Options());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().message(),
            path + ": schema version 7 is newer than this biac supports (2); use a newer biac");

  StoreOptions foreign = Options();
  foreign.path = dir_.File("other.db");
  ASSERT_EQ(sqlite3_open(foreign.path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  store = OpenSqlite(foreign);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message().find("not a biac store"), std::string::npos);

  StoreOptions missing = Options();
  missing.path = dir_.File("missing-dir/store.db");
  store = OpenSqlite(missing);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().message().rfind(missing.path + ": open: ", 0), 0u)
      << store.error().message();
}

TEST_P(StoreTest, WriteErrorsNameFileAndStatementAndAreRetried) {
  auto store = MustOpen(Options());
  // A duplicate id violates the primary key: the commit fails, is counted, and the
  // watermark stays where it was.
  std::vector<model::Observation> first = {MakeObservation(5, "a")};
  store->AppendObservations(first, kT0);
  ASSERT_TRUE(store->Flush().ok());
  store->AppendObservations(first, kT0);
  const Status flushed = store->Flush();
  ASSERT_FALSE(flushed.ok());
  if (postgres()) {
    // The key is (id, arrival), in the arrival day's partition (2026-05-28).
    EXPECT_EQ(flushed.message(), url_ +
                                     ": copy observations: duplicate key value violates unique "
                                     "constraint \"observations_p20260528_pkey\"");
  } else {
    // Ids must increase (store.h): a block of observations at or below the highest stored
    // id is refused before it is inserted.
    EXPECT_EQ(flushed.message(),
              Where() + ": insert observation: id 5 is not above the highest stored id 5");
  }
  EXPECT_EQ(store->committed_observation_id(), 5u);
  const StoreStats stats = store->stats();
  EXPECT_GE(stats.failed_commits, 1u);
  EXPECT_EQ(stats.last_error, flushed.message());
  EXPECT_EQ(stats.queue_depth, 1u);
  // Deleting a file from under an open store is out of scope; the writer gives up on the
  // poisoned batch only when the store closes (store.h): that is what ends this test.
}

// --- pictures --------------------------------------------------------------------------------

TEST_P(StoreTest, PictureRoundTripReplaceAndHistory) {
  StoreOptions options = Options();
  options.history_interval_s = 5;
  auto store = MustOpen(options);
  model::Picture p1{
      kT0, {MakeTrack(1, kT0, 26, 127), MakeTrack(2, kT0, 27, 128), MakeTrack(3, kT0, 28, 129)}};
  store->PutPicture("usa", p1);
  ASSERT_TRUE(store->Flush().ok());
  Result<model::Picture> current = store->CurrentPicture("usa");
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ(model::PictureToJson(*current), model::PictureToJson(p1));
  Result<model::Picture> none = store->CurrentPicture("jpn");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->tracks.empty());

  // 2 s later: track 1 moved (no history row yet: interval 5 s), track 2 unchanged, track 3
  // ended (its last state is already its history row), track 4 new.
  const Timestamp t2 = kT0 + seconds(2);
  model::Picture p2{
      t2, {MakeTrack(1, t2, 26.1, 127), MakeTrack(2, kT0, 27, 128), MakeTrack(4, t2, 30, 130)}};
  store->PutPicture("usa", p2);
  ASSERT_TRUE(store->Flush().ok());  // written one by one, none replaced
  // 6 s: track 1 moves again (6 s after its history row: a new row); track 2 ends with a
  // state (time kT0) already in its history; track 4 moves 4 s after its row: none.
  const Timestamp t6 = kT0 + seconds(6);
  model::Picture p3{t6, {MakeTrack(1, t6, 26.2, 127), MakeTrack(4, t6, 30.1, 130)}};
  store->PutPicture("usa", p3);
  ASSERT_TRUE(store->Flush().ok());  // written one by one, none replaced
  // 7 s: everything ends; track 4's last state (t6) is written as its final row.
  model::Picture p4{kT0 + seconds(7), {}};
  store->PutPicture("usa", p4);
  ASSERT_TRUE(store->Flush().ok());

  current = store->CurrentPicture("usa");
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->time, kT0 + seconds(7));
  EXPECT_TRUE(current->tracks.empty());

  auto times = [](const std::vector<model::FusedTrack>& tracks) {
    std::vector<std::pair<uint64_t, int64_t>> out;
    for (const auto& t : tracks) out.emplace_back(t.id, (t.time - kT0).count() / 1'000'000'000);
    return out;
  };
  Result<std::vector<model::FusedTrack>> h1 =
      store->History("usa", 1, kT0, kT0 + seconds(100), 100);
  ASSERT_TRUE(h1.ok()) << h1.status().ToString();
  using Rows = std::vector<std::pair<uint64_t, int64_t>>;
  EXPECT_EQ(times(*h1), (Rows{{1, 0}, {1, 6}}));  // t=6 is both interval and end state
  EXPECT_EQ(times(*store->History("usa", 4, kT0, kT0 + seconds(100), 100)), (Rows{{4, 2}, {4, 6}}));
  EXPECT_EQ(times(*store->History("usa", 3, kT0, kT0 + seconds(100), 100)), (Rows{{3, 0}}));
  EXPECT_EQ(times(*store->History("usa", 1, kT0 + seconds(1), kT0 + seconds(100), 100)),
            (Rows{{1, 6}}));
  EXPECT_EQ(times(*store->History("usa", 1, kT0, kT0 + seconds(100), 1)), (Rows{{1, 0}}));
  Result<std::vector<model::FusedTrack>> window =
      store->HistoryWindow("usa", kT0, kT0 + seconds(6), 100);
  ASSERT_TRUE(window.ok());
  EXPECT_EQ(times(*window), (Rows{{1, 0}, {2, 0}, {3, 0}, {4, 2}, {1, 6}, {4, 6}}));
  // The stored rows are the tracks exactly.
  EXPECT_EQ(model::FusedTrackToJson((*h1)[1]), model::FusedTrackToJson(p3.tracks[0]));
  EXPECT_GE(store->stats().track_rows, 9u);
}

TEST_P(StoreTest, PictureSurvivesReopenAndViewsAreSeparate) {
  const StoreOptions options = Options();
  model::Picture usa{kT0, {MakeTrack(1, kT0, 26, 127), MakeTrack(2, kT0, 27, 128)}};
  model::Picture jpn{kT0, {MakeTrack(1, kT0, 35, 139)}};
  {
    auto store = MustOpen(options);
    store->PutPicture("usa", usa);
    store->PutPicture("jpn", jpn);
  }
  auto store = MustOpen(options);
  EXPECT_EQ(model::PictureToJson(*store->CurrentPicture("usa")), model::PictureToJson(usa));
  EXPECT_EQ(model::PictureToJson(*store->CurrentPicture("jpn")), model::PictureToJson(jpn));
  EXPECT_EQ(*store->CurrentInBox("usa", 120, 20, 130, 30), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(*store->CurrentInBox("jpn", 120, 20, 130, 30), (std::vector<uint64_t>{}));
  // After the reopen the writer reloads the view: a picture without track 2 removes it.
  model::Picture usa2{kT0 + seconds(1), {MakeTrack(1, kT0 + seconds(1), 26.5, 127.5)}};
  store->PutPicture("usa", usa2);
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(model::PictureToJson(*store->CurrentPicture("usa")), model::PictureToJson(usa2));
  EXPECT_EQ(*store->CurrentInBox("usa", 120, 20, 130, 30), (std::vector<uint64_t>{1}));
}

std::vector<uint64_t> BruteForceInBox(const model::Picture& p, double west, double south,
                                      double east, double north);

// Pictures are queued as the change since the previous one (docs/storage.md "Pictures"):
// the stored current picture must still be exactly the last one put, after adds, moves,
// changes that keep the state time (a label, a name), removals, a reopen, and a newer
// picture replacing a queued one.
TEST_P(StoreTest, IncrementalPicturesStoreExactlyTheLastPut) {
  const StoreOptions options = Options();
  auto store = MustOpen(options);
  auto expect_stored = [&](Store& s, const model::Picture& p) {
    Result<model::Picture> current = s.CurrentPicture("v");
    ASSERT_TRUE(current.ok()) << current.status().ToString();
    EXPECT_EQ(model::PictureToJson(*current), model::PictureToJson(p));
    EXPECT_EQ(*s.CurrentInBox("v", 100, 0, 150, 50), BruteForceInBox(p, 100, 0, 150, 50));
    EXPECT_EQ(*s.CurrentInBox("v", 127.05, 26, 129, 28), BruteForceInBox(p, 127.05, 26, 129, 28));
  };
  model::Picture p{kT0, {}};
  for (uint64_t id = 1; id <= 40; ++id) {
    p.tracks.push_back(MakeTrack(id, kT0, 20 + 0.25 * static_cast<double>(id), 127));
  }
  store->PutPicture("v", p);
  ASSERT_TRUE(store->Flush().ok());
  expect_stored(*store, p);
  const uint64_t rows_first = store->stats().track_rows;
  if (!postgres()) EXPECT_EQ(rows_first, 40u);

  // One second later: 3 moved, one relabelled and one renamed at the same state time and
  // update count, 2 ended, 2 new; the rest unchanged.
  const Timestamp t1 = kT0 + seconds(1);
  model::Picture p1 = p;
  p1.time = t1;
  p1.tracks[0] = MakeTrack(1, t1, 20.3, 127.2);
  p1.tracks[4] = MakeTrack(5, t1, 21.3, 128.5);  // leaves its box
  p1.tracks[9].position.latitude_deg += 1e-9;   // a move too small for JSON to round away
  p1.tracks[10].label = MustParse("SECRET//NOFORN");
  p1.tracks[11].identity.name = "RENAMED";
  p1.tracks.erase(p1.tracks.begin() + 20, p1.tracks.begin() + 22);  // ids 21, 22 end
  p1.tracks.push_back(MakeTrack(41, t1, 27, 128));
  p1.tracks.push_back(MakeTrack(42, t1, 26.5, 127.5));
  store->PutPicture("v", p1);
  ASSERT_TRUE(store->Flush().ok());
  expect_stored(*store, p1);
  // SQLite: only the changed tracks (5), the ended ones (2) and the new ones (2) were queued.
  if (!postgres()) EXPECT_EQ(store->stats().track_rows - rows_first, 9u);

  // The same picture again: nothing changes.
  const uint64_t rows_second = store->stats().track_rows;
  store->PutPicture("v", p1);
  ASSERT_TRUE(store->Flush().ok());
  expect_stored(*store, p1);
  if (!postgres()) EXPECT_EQ(store->stats().track_rows - rows_second, 1u);  // empty: one

  // The writer held: a picture changes track 2, a newer one keeps it and changes track 3;
  // only the newer is written, with track 2 as the older one changed it.
  {
    std::unique_ptr<WriteBlocker> blocker = BlockWriter();
    model::Picture p2 = p1;
    p2.time = kT0 + seconds(2);
    p2.tracks[1] = MakeTrack(2, p2.time, 20.6, 127.3);
    store->PutPicture("v", p2);
    model::Picture p3 = p2;
    p3.time = kT0 + seconds(3);
    p3.tracks[2] = MakeTrack(3, p3.time, 20.9, 127.4);
    p3.tracks.pop_back();  // id 42 ends
    store->PutPicture("v", p3);
    EXPECT_EQ(store->stats().superseded_pictures, 1u);
    blocker->Release();
    ASSERT_TRUE(store->Flush().ok());
    expect_stored(*store, p3);
    p1 = p3;
  }

  // After a reopen the first picture is sent whole; one without track 1 removes it.
  store.reset();
  store = MustOpen(options);
  expect_stored(*store, p1);
  model::Picture p4 = p1;
  p4.time = kT0 + seconds(4);
  p4.tracks.erase(p4.tracks.begin());
  p4.tracks[5] = MakeTrack(7, p4.time, 30, 140);
  store->PutPicture("v", p4);
  ASSERT_TRUE(store->Flush().ok());
  expect_stored(*store, p4);
  // Then changes against it again.
  model::Picture p5 = p4;
  p5.time = kT0 + seconds(5);
  p5.tracks[0] = MakeTrack(p5.tracks[0].id, p5.time, 25, 125);
  p5.tracks.erase(p5.tracks.begin() + 1);
  store->PutPicture("v", p5);
  ASSERT_TRUE(store->Flush().ok());
  expect_stored(*store, p5);
  store.reset();
  store = MustOpen(options);
  expect_stored(*store, p5);
}

std::vector<uint64_t> BruteForceInBox(const model::Picture& p, double west, double south,
                                      double east, double north) {
  std::vector<uint64_t> ids;
  for (const auto& t : p.tracks) {
    const double lat = t.position.latitude_deg;
    const double lon = t.position.longitude_deg;
    const bool lon_in = west <= east ? (lon >= west && lon <= east) : (lon >= west || lon <= east);
    if (lon_in && lat >= south && lat <= north) ids.push_back(t.id);
  }
  return ids;
}

TEST_P(StoreTest, BoxQueryMatchesBruteForceIncludingAntimeridian) {
  auto store = MustOpen(Options());
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> lat(-89.0, 89.0);
  std::uniform_real_distribution<double> lon(-180.0, 180.0);
  std::uniform_real_distribution<double> near_am(-1.0, 1.0);
  std::uniform_real_distribution<double> step(-0.2, 0.2);
  model::Picture picture{kT0, {}};
  for (uint64_t id = 1; id <= 1500; ++id) {
    double x = lon(rng);
    if (id % 5 == 0)
      x = near_am(rng) > 0 ? 180 - std::abs(near_am(rng)) : -180 + std::abs(near_am(rng));
    picture.tracks.push_back(MakeTrack(id, kT0, lat(rng), x));
  }
  picture.tracks.push_back(MakeTrack(2000, kT0, 10, 180));
  picture.tracks.push_back(MakeTrack(2001, kT0, 10, -180));
  picture.tracks.push_back(MakeTrack(2002, kT0, 10, 175));
  auto check = [&](const model::Picture& p) {
    std::uniform_real_distribution<double> size(0.01, 40);
    for (int q = 0; q < 100; ++q) {
      double west = lon(rng);
      double east = west + size(rng);
      if (east > 180) east -= 360;  // crosses: west > east
      if (q % 4 == 0) {             // boxes around the antimeridian
        west = 180 - size(rng) / 10;
        east = -180 + size(rng) / 10;
      }
      const double south = lat(rng);
      const double north = std::min(90.0, south + size(rng));
      Result<std::vector<uint64_t>> ids = store->CurrentInBox("v", west, south, east, north);
      ASSERT_TRUE(ids.ok()) << ids.status().ToString();
      EXPECT_EQ(*ids, BruteForceInBox(p, west, south, east, north))
          << "box " << west << " " << south << " " << east << " " << north;
    }
    // Longitudes 180 and -180 are both inside a box across the antimeridian.
    const std::vector<uint64_t> across = *store->CurrentInBox("v", 170, 9.99, -170, 10.01);
    EXPECT_EQ(across, BruteForceInBox(p, 170, 9.99, -170, 10.01));
  };
  store->PutPicture("v", picture);
  ASSERT_TRUE(store->Flush().ok());
  if (postgres()) {  // the GiST index on PostGIS boxes whenever the server has PostGIS
    EXPECT_EQ(PgQuery("SELECT value FROM biac_meta WHERE key = 'postgis'"),
              server_->has_postgis() ? "1" : "0");
    EXPECT_EQ(PgQuery("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                      "WHERE attrelid = 'track_current'::regclass AND attname = 'pos'"),
              server_->has_postgis() ? "geometry(Polygon,4326)" : "box");
  }
  check(picture);
  EXPECT_EQ(*store->CurrentInBox("v", 170, 9.99, -170, 10.01),
            (std::vector<uint64_t>{2000, 2001, 2002}));
  // Move every track a little (some leave their R*Tree box, most stay inside it), drop some.
  model::Picture moved{kT0 + seconds(1), {}};
  for (const auto& t : picture.tracks) {
    if (t.id % 7 == 0) continue;
    double x = t.position.longitude_deg + step(rng);
    if (x > 180) x -= 360;
    if (x < -180) x += 360;
    moved.tracks.push_back(MakeTrack(
        t.id, kT0 + seconds(1), std::clamp(t.position.latitude_deg + step(rng), -90.0, 90.0), x));
  }
  store->PutPicture("v", moved);
  ASSERT_TRUE(store->Flush().ok());
  check(moved);
}

// --- small tables ----------------------------------------------------------------------------

TEST_P(StoreTest, AccountsTokensAreasAlerts) {
  auto store = MustOpen(Options());
  Store::AccountRow alice{"alice", "analyst", R"({"nation":"USA"})", "$argon2id$x", "", false};
  Store::AccountRow bob{"bob", "admin", "{}", "", "CN=bob", true};
  ASSERT_TRUE(store->PutAccount(bob).ok());
  ASSERT_TRUE(store->PutAccount(alice).ok());
  alice.role = "supervisor";
  ASSERT_TRUE(store->PutAccount(alice).ok());  // replaces
  Result<std::vector<Store::AccountRow>> accounts = store->ListAccounts();
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->size(), 2u);
  EXPECT_EQ((*accounts)[0].name, "alice");
  EXPECT_EQ((*accounts)[0].role, "supervisor");
  EXPECT_EQ((*accounts)[0].profile_json, R"({"nation":"USA"})");
  EXPECT_EQ((*accounts)[0].password_hash, "$argon2id$x");
  EXPECT_FALSE((*accounts)[0].disabled);
  EXPECT_EQ((*accounts)[1].certificate_subject, "CN=bob");
  EXPECT_TRUE((*accounts)[1].disabled);
  EXPECT_EQ((*store->GetAccount("bob"))->role, "admin");
  EXPECT_FALSE(store->GetAccount("carol")->has_value());
  ASSERT_TRUE(store->DeleteAccount("bob").ok());
  EXPECT_EQ(store->DeleteAccount("bob").code(), StatusCode::kNotFound);
  EXPECT_EQ(store->ListAccounts()->size(), 1u);

  Store::TokenRow token{"t1", "hash1", "alice", "ci", kT0, kT0 + seconds(3600), false};
  ASSERT_TRUE(store->PutToken(token).ok());
  ASSERT_TRUE(store->PutToken({"t2", "hash2", "bob", "", kT0, kT0, false}).ok());
  EXPECT_EQ(store->ListTokens("")->size(), 2u);
  Result<std::vector<Store::TokenRow>> alice_tokens = store->ListTokens("alice");
  ASSERT_EQ(alice_tokens->size(), 1u);
  EXPECT_EQ((*alice_tokens)[0].secret_hash, "hash1");
  EXPECT_EQ((*alice_tokens)[0].expires, kT0 + seconds(3600));
  EXPECT_EQ((*alice_tokens)[0].description, "ci");
  ASSERT_TRUE(store->RevokeToken("t1").ok());
  EXPECT_TRUE((*store->GetToken("t1"))->revoked);
  EXPECT_FALSE((*store->GetToken("t2"))->revoked);
  EXPECT_EQ(store->RevokeToken("t9").code(), StatusCode::kNotFound);

  Result<uint64_t> a1 = store->AddArea({0, "okinawa", "alice", R"({"type":"Polygon"})", "U", kT0});
  Result<uint64_t> a2 = store->AddArea({0, "kyushu", "bob", "{}", "U", kT0 + seconds(1)});
  ASSERT_TRUE(a1.ok() && a2.ok());
  EXPECT_NE(*a1, *a2);
  Result<std::vector<Store::AreaRow>> areas = store->ListAreas("alice");
  ASSERT_EQ(areas->size(), 1u);
  EXPECT_EQ((*areas)[0].id, *a1);
  EXPECT_EQ((*areas)[0].geometry_json, R"({"type":"Polygon"})");
  EXPECT_EQ((*areas)[0].created, kT0);
  ASSERT_TRUE(store->DeleteArea(*a1).ok());
  EXPECT_EQ(store->DeleteArea(*a1).code(), StatusCode::kNotFound);
  EXPECT_EQ(store->ListAreas("")->size(), 1u);

  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store
                    ->AddAlert({0, kT0 + seconds(i), "dark", i % 2 ? "usa" : "jpn", "U",
                                "{\"i\":" + std::to_string(i) + "}"})
                    .ok());
  }
  Result<std::vector<Store::AlertRow>> alerts = store->ListAlerts("usa", kT0, 10);
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 2u);
  EXPECT_EQ((*alerts)[0].json, "{\"i\":3}");  // newest first
  EXPECT_EQ((*alerts)[1].time, kT0 + seconds(1));
  EXPECT_EQ(store->ListAlerts("", kT0 + seconds(2), 10)->size(), 3u);
  EXPECT_EQ(store->ListAlerts("", kT0, 2)->size(), 2u);
}

// --- retention, concurrency, back-pressure ---------------------------------------------------

TEST_P(StoreTest, PruneRemovesOldObservationsAndHistoryOnly) {
  StoreOptions options = Options();
  options.history_interval_s = 1;
  auto store = MustOpen(options);
  std::vector<model::Observation> old_batch, new_batch;
  for (uint64_t id = 1; id <= 30; ++id) old_batch.push_back(MakeObservation(id, "a"));
  for (uint64_t id = 31; id <= 40; ++id) new_batch.push_back(MakeObservation(id, "b"));
  store->AppendObservations(old_batch, kT0);
  store->AppendObservations(new_batch, kT0 + seconds(100));
  for (int s = 0; s < 10; ++s) {
    const Timestamp t = kT0 + seconds(10 * s);
    store->PutPicture("v", {t, {MakeTrack(1, t, 26, 127)}});
    ASSERT_TRUE(store->Flush().ok());  // written one by one, none replaced
  }
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(store->History("v", 1, kT0, kT0 + seconds(1000), 100)->size(), 10u);
  ASSERT_TRUE(store->PruneOlderThan(kT0 + seconds(50)).ok());
  EXPECT_EQ(*store->CountObservations(""), 10u);
  EXPECT_EQ(*store->CountObservations("a"), 0u);
  EXPECT_EQ(*store->CountObservations("b"), 10u);
  EXPECT_EQ(store->ObservationsSince(Timestamp(), 0, 100)->front().observation.id, 31u);
  Result<std::vector<model::FusedTrack>> history =
      store->History("v", 1, kT0, kT0 + seconds(1000), 100);
  ASSERT_EQ(history->size(), 5u);  // 50, 60, 70, 80, 90
  EXPECT_EQ(history->front().time, kT0 + seconds(50));
  EXPECT_EQ(store->CurrentPicture("v")->tracks.size(), 1u);  // the current table stays
}

TEST_P(StoreTest, PruneAcrossDaysDropsOlderDaysWhole) {
  StoreOptions options = Options();
  options.history_interval_s = 1;
  auto store = MustOpen(options);
  // kT0 is 2026-05-28 20:26:40 UTC: arrivals on 05-25, 05-27 (22:26) and 05-28.
  const Timestamp day25 = kT0 - seconds(3 * 86400);
  const Timestamp day27 = kT0 - seconds(86400) + seconds(7200);
  std::vector<model::Observation> a, b, c;
  for (uint64_t id = 1; id <= 10; ++id) a.push_back(MakeObservation(id, "a"));
  for (uint64_t id = 11; id <= 15; ++id) b.push_back(MakeObservation(id, "b"));
  for (uint64_t id = 16; id <= 20; ++id) c.push_back(MakeObservation(id, "c"));
  store->AppendObservations(a, day25);
  store->AppendObservations(b, day27);
  store->AppendObservations(c, kT0);
  for (const Timestamp t : {day25, day27, kT0}) {
    store->PutPicture("v", {t, {MakeTrack(1, t, 26, 127)}});
    ASSERT_TRUE(store->Flush().ok());  // written one by one, none replaced
  }
  EXPECT_EQ(store->History("v", 1, Timestamp(), kT0, 100)->size(), 3u);
  if (postgres()) {
    EXPECT_EQ(PgQuery("SELECT to_regclass('observations_p20260525') IS NOT NULL"), "t");
  }
  // The cutoff (05-27 21:26) is after every row of 05-25 and before 05-27's rows.
  ASSERT_TRUE(store->PruneOlderThan(kT0 - seconds(86400) + seconds(3600)).ok());
  EXPECT_EQ(*store->CountObservations("a"), 0u);
  EXPECT_EQ(*store->CountObservations("b"), 5u);
  EXPECT_EQ(*store->CountObservations(""), 10u);
  EXPECT_EQ(*store->MaxObservationId(), 20u);
  EXPECT_EQ(store->ObservationsSince(Timestamp(), 0, 100)->front().observation.id, 11u);
  Result<std::vector<model::FusedTrack>> history = store->History("v", 1, Timestamp(), kT0, 100);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->front().time, day27);
  if (postgres()) {  // the whole days went as partitions
    EXPECT_EQ(PgQuery("SELECT to_regclass('observations_p20260525') IS NULL AND "
                      "to_regclass('track_history_p20260525') IS NULL"),
              "t");
    EXPECT_EQ(PgQuery("SELECT count(*) FROM source_counts WHERE source = 'a'"), "0");
  }
  // Appending to a day whose partition was dropped makes it again.
  std::vector<model::Observation> late = {MakeObservation(21, "a")};
  store->AppendObservations(late, day25);
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(*store->CountObservations("a"), 1u);
}

TEST_P(StoreTest, ReconnectsWhenTheServerEndsItsSessions) {
  if (!postgres()) GTEST_SKIP() << "a SQLite store has no server session to lose";
  auto store = MustOpen(Options());
  std::vector<model::Observation> batch;
  for (uint64_t id = 1; id <= 100; ++id) batch.push_back(MakeObservation(id, "a"));
  store->AppendObservations(std::span(batch).first(50), kT0);
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(*store->CountObservations(""), 50u);  // a reader connection is pooled now
  // The server ends the writer's and the readers' sessions (as a restart would) and waits
  // until they are gone.
  EXPECT_EQ(PgQuery("SELECT bool_and(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                    "WHERE application_name = 'biac' AND datname = current_database()"),
            "t");
  store->AppendObservations(std::span(batch).subspan(50), kT0);
  ASSERT_TRUE(store->WaitCommitted(100, seconds(30)));
  EXPECT_GE(store->stats().failed_commits, 1u);  // the first attempt met the dead session
  ASSERT_TRUE(store->Flush().ok());
  Result<uint64_t> count = store->CountObservations("");  // the dead pooled reader is replaced
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 100u);
  EXPECT_EQ(PgQuery("SELECT count(DISTINCT id) FROM observations"), "100");
}

TEST_P(StoreTest, ConcurrentReadersWhileWriting) {
  StoreOptions options = Options();
  options.max_batch = 500;
  auto store = MustOpen(options);
  constexpr uint64_t kTotal = 6000;
  constexpr uint64_t kBatch = 200;
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<bool> consistent{true};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        // The watermark read before the count can only be lower than what the count sees.
        const uint64_t watermark = store->committed_observation_id();
        Result<uint64_t> count = store->CountObservations("");
        Result<uint64_t> max_id = store->MaxObservationId();
        if (!count.ok() || !max_id.ok() || *count < watermark || *max_id < watermark) {
          consistent = false;
        }
        Result<model::Picture> p = store->CurrentPicture("v");
        if (!p.ok()) consistent = false;
        ++reads;
      }
    });
  }
  std::vector<model::Observation> batch;
  for (uint64_t first = 1; first <= kTotal; first += kBatch) {
    batch.clear();
    for (uint64_t id = first; id < first + kBatch; ++id) batch.push_back(MakeObservation(id, "a"));
    store->AppendObservations(batch, kT0);
    if (first % 1000 == 1) {
      const Timestamp t = kT0 + seconds(first);
      store->PutPicture("v", {t, {MakeTrack(1, t, 26, 127), MakeTrack(2, t, 27, 127)}});
    }
  }
  ASSERT_TRUE(store->WaitCommitted(kTotal, seconds(60)));
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_TRUE(consistent.load());
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(*store->CountObservations(""), kTotal);
}

TEST_P(StoreTest, AppendBlocksWhileTheQueueIsOverItsLimit) {
  StoreOptions options = Options();
  options.queue_limit = 100;
  options.max_batch = 100;
  auto store = MustOpen(options);
  // Another connection holds the write lock, so the writer's BEGIN IMMEDIATE (SQLite) or
  // LOCK TABLE (PostgreSQL) waits (busy_timeout / lock_timeout) and the queue cannot drain.
  std::unique_ptr<WriteBlocker> blocker = BlockWriter();
  std::vector<model::Observation> batch;
  for (uint64_t id = 1; id <= 60; ++id) batch.push_back(MakeObservation(id, "a"));
  store->AppendObservations(std::span(batch).first(30), kT0);        // queue 30
  store->AppendObservations(std::span(batch).subspan(30, 30), kT0);  // queue 60 (< 100)
  std::vector<model::Observation> more;
  for (uint64_t id = 61; id <= 160; ++id) more.push_back(MakeObservation(id, "a"));
  store->AppendObservations(std::span(more).first(50), kT0);  // 60 < 100: admitted, now 110
  std::atomic<bool> returned{false};
  std::thread producer([&] {
    store->AppendObservations(std::span(more).subspan(50), kT0);  // 110 >= 100: blocks
    returned = true;
  });
  // Nothing can be committed while the blocker holds the write lock, so the producer must
  // still be blocked after the queue depth has been observed over the limit.
  for (int i = 0; i < 50 && store->stats().queue_depth < 110; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(store->stats().queue_depth, 110u);
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_FALSE(returned.load());
  EXPECT_EQ(store->committed_observation_id(), 0u);
  blocker->Release();
  producer.join();
  EXPECT_TRUE(returned.load());
  ASSERT_TRUE(store->WaitCommitted(160, seconds(30)));
  EXPECT_EQ(*store->CountObservations(""), 160u);  // nothing dropped
}

TEST_P(StoreTest, ANewerPictureReplacesTheQueuedOneOfItsView) {
  StoreOptions options = Options();
  auto store = MustOpen(options);
  // Hold the writer (another connection's write lock) so that the pictures stay queued.
  std::unique_ptr<WriteBlocker> blocker = BlockWriter();
  const Timestamp t1 = kT0 + seconds(1);
  const Timestamp t2 = kT0 + seconds(2);
  store->PutPicture("usa", {kT0, {MakeTrack(1, kT0, 26, 127), MakeTrack(9, kT0, 20, 120)}});
  store->PutPicture("jpn", {kT0, {MakeTrack(1, kT0, 35, 139)}});
  store->PutPicture("usa", {t1, {MakeTrack(1, t1, 26.1, 127)}});
  const model::Picture usa{t2, {MakeTrack(1, t2, 26.2, 127), MakeTrack(2, t2, 27, 128)}};
  store->PutPicture("usa", usa);
  EXPECT_EQ(store->stats().superseded_pictures, 2u);
  EXPECT_EQ(store->stats().queue_depth, 3u);  // usa (2 tracks) and jpn (1 track)
  blocker->Release();
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(model::PictureToJson(*store->CurrentPicture("usa")), model::PictureToJson(usa));
  EXPECT_EQ(store->CurrentPicture("jpn")->tracks.size(), 1u);
  // Only the newest usa picture was written: one history row per track, none for track 9.
  Result<std::vector<model::FusedTrack>> window =
      store->HistoryWindow("usa", kT0, kT0 + seconds(10), 100);
  ASSERT_TRUE(window.ok());
  ASSERT_EQ(window->size(), 2u);
  EXPECT_EQ((*window)[0].time, t2);
  EXPECT_EQ((*window)[1].id, 2u);
}

// --- kill -9 ---------------------------------------------------------------------------------

TEST_P(StoreTest, KillNineLosesNoAcknowledgedObservation) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child: append as fast as it can and report each new watermark.
    close(pipe_fds[0]);
    StoreOptions options = Options();
    options.max_batch = 2000;  // many small commits: the kill lands between two of them
    options.queue_limit = 10000;
    Result<std::unique_ptr<Store>> opened = Open(options);
    if (!opened.ok()) _exit(2);
    Store& store = **opened;
    std::vector<model::Observation> batch;
    uint64_t next = 1;
    uint64_t reported = 0;
    for (;;) {
      batch.clear();
      for (int i = 0; i < 500; ++i) batch.push_back(MakeObservation(next++, "a"));
      store.AppendObservations(batch, kT0);
      const uint64_t watermark = store.committed_observation_id();
      if (watermark != reported) {
        reported = watermark;
        if (write(pipe_fds[1], &watermark, sizeof(watermark)) != sizeof(watermark)) _exit(3);
      }
    }
  }
  close(pipe_fds[1]);
  uint64_t last = 0;
  uint64_t value = 0;
  int reports = 0;
  // Kill it mid-load, after a few commits.
  while (reports < 8 && read(pipe_fds[0], &value, sizeof(value)) == sizeof(value)) {
    last = value;
    ++reports;
  }
  ASSERT_EQ(kill(child, SIGKILL), 0);
  // Watermarks already in the pipe were acknowledged before the kill: read them too.
  while (read(pipe_fds[0], &value, sizeof(value)) == sizeof(value)) last = value;
  close(pipe_fds[0]);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited with " << WEXITSTATUS(wstatus);
  ASSERT_GT(last, 0u);

  auto store = MustOpen(Options());
  ASSERT_NE(store, nullptr);
  Result<uint64_t> max_id = store->MaxObservationId();
  ASSERT_TRUE(max_id.ok());
  EXPECT_GE(*max_id, last);
  const uint64_t last_id[] = {last};
  Result<std::vector<model::Observation>> newest = store->ObservationsById(last_id);
  ASSERT_TRUE(newest.ok()) << newest.status().ToString();
  ASSERT_EQ(newest->size(), 1u);
  EXPECT_TRUE(SameObservation(newest->front(), MakeObservation(last, "a")));
  store.reset();
  if (postgres()) {
    // Ids are 1, 2, ...: every id <= last is present when there are `last` rows <= it (the
    // key is (id, arrival) and every arrival is kT0, so an id cannot be there twice).
    EXPECT_EQ(PgQuery("SELECT count(*) FROM observations WHERE id BETWEEN 1 AND " +
                      std::to_string(last)),
              std::to_string(last));
    return;
  }
  {
    // Every id up to the last acknowledged one, in order, through the reader (SQLite stores
    // observations in blocks of ids, docs/storage.md).
    auto reopened = MustOpen(Options());
    Result<std::vector<StoredObservation>> all = reopened->ObservationsSince(Timestamp(), 0, last);
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    ASSERT_EQ(all->size(), last);
    for (uint64_t i = 0; i < last; ++i) ASSERT_EQ((*all)[i].observation.id, i + 1);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(Options().path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "ok");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace biac::storage
