#pragma once

// The PostgreSQL backend of storage::Store (issue 5 §1 "Storage"; docs/storage.md
// "PostgreSQL"), for deployments that outgrow one SQLite file: observations and track history
// in daily range partitions (declarative partitioning, PostgreSQL 15 manual §5.11), observations
// ingested with binary COPY (§COPY, "Binary Format"), the current picture of each view with a
// PostGIS point and a GiST index for area queries.
//
// It keeps every promise of store.h: one writer thread and connection batching transactions
// (commit_interval / max_batch), a bounded queue with back-pressure and no drop, the same
// acknowledgement watermark (committed_observation_id() never runs ahead of what the server
// has committed), small tables written by the writer ahead of the bulk queue, readers on their
// own connections (MVCC: a reader never blocks the writer nor waits for it).
//
// Durability: a transaction is acknowledged when COMMIT returns. With synchronous_commit on
// (the default) the server has flushed its WAL by then, so the commit survives a crash of the
// node (kill -9), of the server and of the machine (PostgreSQL 15 manual §30.4). With it off,
// a server or OS crash may lose the last commits (never a kill of the node alone).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "biac/base/status.h"
#include "biac/base/thread.h"
#include "biac/base/time.h"
#include "biac/storage/store.h"

namespace biac::storage {

struct PostgresOptions {
  // A libpq connection string: a URI ("postgresql://biac@db.example:5432/biac") or key=value
  // pairs ("host=/run/postgresql dbname=biac"); https://www.postgresql.org/docs/15/
  // libpq-connect.html#LIBPQ-CONNSTRING. Error messages name it without its password.
  std::string url;
  Duration commit_interval = std::chrono::milliseconds(50);
  size_t max_batch = 50000;     // rows per transaction at most
  size_t queue_limit = 500000;  // rows queued; Append/PutPicture block beyond it
  ThreadPriority writer_priority = ThreadPriority::kNormal;  // the writer thread's (StoreOptions)
  bool synchronous_commit = true;
  // Automatic retention, against the wall clock about once a minute: whole daily partitions
  // older than this are dropped (so up to one more day is kept); 0 disables it.
  // PruneOlderThan() is exact.
  double retention_hours = 168;
  double history_interval_s = 5;  // as StoreOptions::history_interval_s
  // lock_timeout of the writer: how long a write waits for a lock another session holds
  // before the transaction fails and is retried (StoreOptions::busy_timeout's counterpart).
  Duration lock_timeout = std::chrono::seconds(5);
  Duration connect_timeout = std::chrono::seconds(10);
  // Daily partitions are created this many days ahead of the wall clock (and on demand for
  // rows outside that window, inside the writing transaction).
  int partitions_ahead_days = 2;
  // true: refuse a server without PostGIS. false: fall back to the built-in point type with
  // a GiST index (same answers; no PostGIS functions for other tools).
  bool require_postgis = false;

  Status Validate() const;
};

// The PostgreSQL options that keep a StoreOptions' batching, queue, retention and history
// settings, for a node configured with `[storage] backend = "postgresql"`: busy_timeout
// becomes lock_timeout; synchronous_commit stays on (a commit survives a server crash either
// way; StoreOptions::synchronous_full has nothing weaker to select); path is not used.
PostgresOptions PostgresOptionsFrom(const StoreOptions& store, std::string url);

// Opens (creating the schema if the database has none) a PostgreSQL store. Errors name the
// server and database (never the password) and the statement ("postgresql://biac@host:5432/
// biac: copy observations: duplicate key value violates unique constraint ..."); a schema
// written by a newer biac (biac_meta.schema_version) and a database holding other tables are
// refused.
Result<std::unique_ptr<Store>> OpenPostgres(const PostgresOptions& options);

}  // namespace biac::storage
