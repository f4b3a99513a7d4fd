// pg_test_server start|stop DIR: the ctest fixture that runs one PostgreSQL server for the
// whole test run (pg_fixture.h). Without the PostgreSQL binaries `start` says so and succeeds:
// the PostgreSQL tests then skip with that reason.

#include <cstdio>
#include <string>

#include "biac/storage/pg_fixture.h"

int main(int argc, char** argv) {
  using biac::storage::pgtest::Server;
  if (argc != 3) {
    std::fprintf(stderr, "usage: pg_test_server start|stop DIR\n");
    return 2;
  }
  const std::string command = argv[1];
  const std::string dir = argv[2];
  if (!biac::storage::pgtest::FindBinDir().ok()) {
    std::printf("%s\n", biac::storage::pgtest::FindBinDir().error().message().c_str());
    return 0;
  }
  if (command == "start") {
    // A server left by an interrupted run: stop it first.
    if (auto old = Server::Attach(dir); old.ok()) (void)(*old)->Stop();
    auto server = Server::Start(dir);
    if (!server.ok()) {
      std::fprintf(stderr, "%s\n", server.error().message().c_str());
      return 1;
    }
    (*server)->Release();
    std::printf("PostgreSQL test server in %s (PostGIS: %s)\n", dir.c_str(),
                (*server)->has_postgis() ? "yes" : "no");
    return 0;
  }
  if (command == "stop") {
    auto server = Server::Attach(dir);
    if (!server.ok()) {
      std::printf("%s\n", server.error().message().c_str());
      return 0;
    }
    const biac::Status stopped = (*server)->Stop();
    if (!stopped.ok()) {
      std::fprintf(stderr, "%s\n", stopped.message().c_str());
      return 1;
    }
    return 0;
  }
  std::fprintf(stderr, "pg_test_server: unknown command \"%s\"\n", command.c_str());
  return 2;
}
