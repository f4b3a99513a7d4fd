#pragma once

// A throwaway PostgreSQL server for the storage tests and the PostgreSQL benchmark (test
// support, not linked into the node). Start() runs initdb and pg_ctl from the PostgreSQL 15
// binaries in a directory of its own: trust authentication, listening only on a Unix socket in
// that directory (so no TCP port is taken and two servers never collide), fsync off (the tests
// kill clients, never the machine). initdb refuses to run as root: when geteuid() == 0 the
// server runs as the `postgres` user (runuser -u postgres --), the directory chowned to it.
//
// ctest starts one server for the whole run (the fixture tests storage_pg_server_start/stop,
// with `pg_test_server`) and hands its directory to the tests in BIAC_PG_TEST_DIR; a test
// binary run by hand starts a private server on first use and removes it at exit.

#include <memory>
#include <string>
#include <string_view>

#include "biac/base/status.h"

namespace biac::storage::pgtest {

inline constexpr char kDefaultBinDir[] = "/usr/lib/postgresql/15/bin";
inline constexpr char kTestDirVariable[] = "BIAC_PG_TEST_DIR";

// $BIAC_PG_BIN or kDefaultBinDir when initdb and pg_ctl are there; NotFound naming the
// directory and the package otherwise (the reason a test gives when it skips).
Result<std::string> FindBinDir();

class Server {
 public:
  // initdb + start in `dir` (created; it must not exist). The server holds a database
  // "biac_template" with PostGIS when the server has the extension.
  static Result<std::unique_ptr<Server>> Start(const std::string& dir);
  // A server started earlier in `dir` (by another process); not stopped by this object.
  static Result<std::unique_ptr<Server>> Attach(const std::string& dir);

  Server(std::string dir, std::string bin_dir, bool owned);
  ~Server();  // an owned server is stopped and its directory removed
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // A libpq URI for `database` on this server.
  std::string Url(std::string_view database) const;
  // A new empty database (a copy of biac_template): its URI. Names are unique per process.
  Result<std::string> CreateDatabase();
  // Runs SQL on `database` as the superuser; the first column of the first row, or "".
  Result<std::string> Query(std::string_view database, std::string_view sql) const;
  bool has_postgis() const { return has_postgis_; }

  Status Stop();                      // pg_ctl stop -m immediate, then removes the directory
  void Release() { owned_ = false; }  // leave the server running when this object goes

 private:
  std::string dir_;
  std::string bin_dir_;
  bool owned_ = false;
  bool has_postgis_ = false;
  int next_database_ = 0;
};

// The server this process's tests share: the one in $BIAC_PG_TEST_DIR if it runs, otherwise a
// private one started on first call. The error is the reason to skip.
Result<Server*> SharedServer();

}  // namespace biac::storage::pgtest
