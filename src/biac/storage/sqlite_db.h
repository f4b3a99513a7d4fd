#pragma once

// A thin RAII layer over one SQLite connection for the store: prepared statements cached per
// connection and reused, and errors that name the database file and the statement
// ("store.db: insert observation: disk I/O error"). Internal to storage/.

#include <cstdint>
#include <memory>
#include <sqlite3.h>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "biac/base/status.h"

namespace biac::storage {

// A statement's name (for error messages) and its SQL text. Instances are constants with
// static storage: a connection caches its prepared statements by the address of the text.
struct Sql {
  const char* name;
  const char* text;
};

class SqliteDb;

// A cached prepared statement in use: reset and unbound when it goes out of scope.
class Statement {
 public:
  Statement(SqliteDb* db, const Sql* sql, sqlite3_stmt* stmt) : db_(db), sql_(sql), stmt_(stmt) {}
  Statement(Statement&& other) noexcept
      : db_(other.db_),
        sql_(other.sql_),
        stmt_(std::exchange(other.stmt_, nullptr)),
        bind_error_(other.bind_error_) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Ready for the next execution (bindings are kept until rebound).
  void Reset() {
    sqlite3_reset(stmt_);
    bind_error_ = SQLITE_OK;
  }

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, uint64_t value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  // The text must outlive the statement's use (bound without a copy).
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);

  // Steps once: true when a row is available, false when done; an error names the statement.
  Result<bool> Step();
  // Steps to completion, expecting no row.
  Status Run();

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string_view Text(int column) const;
  std::string_view Blob(int column) const;

 private:
  SqliteDb* db_;
  const Sql* sql_;
  sqlite3_stmt* stmt_;
  int bind_error_ = SQLITE_OK;
};

class SqliteDb {
  // Only Open() may construct (passkey: make_unique needs a public constructor).
  class Key {
    friend class SqliteDb;
    Key() = default;
  };

 public:
  SqliteDb(Key, sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  // Opens the file (creating it when `create`) and applies the connection PRAGMAs.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, bool create,
                                                int busy_timeout_ms);
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  Result<Statement> Prepare(const Sql& sql);
  // Runs SQL text without caching (schema, PRAGMAs, BEGIN/COMMIT).
  Status Exec(std::string_view what, const char* sql);
  // "<file>: <what>: <sqlite message>".
  Status Error(std::string_view what) const;
  Status Error(std::string_view what, int code) const;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_;
  std::string path_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

}  // namespace biac::storage
