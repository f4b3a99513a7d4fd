#include "biac/storage/pg_fixture.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <libpq-fe.h>
#include <mutex>
#include <pwd.h>
#include <spawn.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace biac::storage::pgtest {
namespace {

// The socket's name is .s.PGSQL.<port> in the server directory: the port only names it.
constexpr char kPort[] = "5432";
constexpr char kSuperuser[] = "biac";
constexpr char kTemplate[] = "biac_template";
constexpr char kServerUser[] = "postgres";  // who runs the server when we are root
// sun_path holds 108 bytes (unix(7)); the socket name adds 14.
constexpr size_t kMaxDirLength = 90;

bool IsRoot() { return geteuid() == 0; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs argv (as kServerUser when root), output appended to `log`; the exit status.
Status Run(std::vector<std::string> argv, const std::string& log) {
  if (IsRoot()) {
    argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", kServerUser, "--"});
  }
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return Unavailable(argv[0] + ": cannot start: " + std::strerror(spawned));
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return Unavailable(argv[0] + ": waitpid failed");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string command;
    for (const std::string& a : argv) command += (command.empty() ? "" : " ") + a;
    return Unavailable(command + ": failed (exit " +
                       std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + "); log " +
                       log + ":\n" + ReadFile(log));
  }
  return Status::Ok();
}

Status ChownToServerUser(const std::filesystem::path& path) {
  if (!IsRoot()) return Status::Ok();
  const passwd* pw = getpwnam(kServerUser);
  if (pw == nullptr) {
    return Unavailable(std::string("running as root needs the \"") + kServerUser +
                       "\" user to run PostgreSQL (initdb refuses root)");
  }
  if (chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    return Unavailable(path.string() + ": chown to " + kServerUser + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

std::string SocketPath(const std::string& dir) { return dir + "/.s.PGSQL." + kPort; }

}  // namespace

Result<std::string> FindBinDir() {
  const char* env = std::getenv("BIAC_PG_BIN");
  const std::string dir = env != nullptr && *env != '\0' ? env : kDefaultBinDir;
  for (const char* tool : {"initdb", "pg_ctl", "postgres"}) {
    if (access((dir + "/" + tool).c_str(), X_OK) != 0) {
      return NotFound("PostgreSQL server binaries not found (" + dir + "/" + tool +
                      "): install postgresql-15 or set BIAC_PG_BIN");
    }
  }
  return dir;
}

Server::Server(std::string dir, std::string bin_dir, bool owned)
    : dir_(std::move(dir)), bin_dir_(std::move(bin_dir)), owned_(owned) {}

Server::~Server() {
  if (owned_) (void)Stop();
}

Result<std::unique_ptr<Server>> Server::Start(const std::string& dir_in) {
  BIAC_ASSIGN_OR_RETURN(std::string bin, FindBinDir());
  std::error_code ec;
  const std::string dir = std::filesystem::absolute(dir_in, ec).string();
  if (dir.size() > kMaxDirLength) {
    return InvalidArgument(dir + ": too long for a Unix socket path (at most " +
                           std::to_string(kMaxDirLength) + " characters)");
  }
  if (!std::filesystem::create_directories(dir, ec) || ec) {
    return Unavailable(dir + ": cannot create (or it exists already)");
  }
  BIAC_RETURN_IF_ERROR(ChownToServerUser(dir));
  auto server = std::make_unique<Server>(dir, bin, /*owned=*/true);
  const std::string log = dir + "/setup.log";
  if (IsRoot()) {  // the log is opened by us, before runuser: create it as the server user
    std::ofstream(log).flush();
    BIAC_RETURN_IF_ERROR(ChownToServerUser(log));
  }
  BIAC_RETURN_IF_ERROR(Run({bin + "/initdb", "-D", dir + "/data", "-U", kSuperuser, "--auth=trust",
                            "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"},
                           log));
  const std::string options = std::string("-c listen_addresses= -k ") + dir + " -p " + kPort +
                              " -c fsync=off -c full_page_writes=off -c max_connections=200";
  BIAC_RETURN_IF_ERROR(Run({bin + "/pg_ctl", "-D", dir + "/data", "-l", dir + "/server.log", "-w",
                            "-t", "60", "-o", options, "start"},
                           log));
  BIAC_RETURN_IF_ERROR(
      server->Query("postgres", std::string("CREATE DATABASE ") + kTemplate).status());
  server->has_postgis_ = server->Query(kTemplate, "CREATE EXTENSION IF NOT EXISTS postgis").ok();
  return server;
}

Result<std::unique_ptr<Server>> Server::Attach(const std::string& dir) {
  BIAC_ASSIGN_OR_RETURN(std::string bin, FindBinDir());
  struct stat st;
  if (stat(SocketPath(dir).c_str(), &st) != 0) {
    return Unavailable(dir + ": no PostgreSQL server runs there (" + SocketPath(dir) + ")");
  }
  auto server = std::make_unique<Server>(dir, bin, /*owned=*/false);
  BIAC_ASSIGN_OR_RETURN(
      std::string count,
      server->Query(kTemplate, "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'"));
  server->has_postgis_ = count == "1";
  return server;
}

std::string Server::Url(std::string_view database) const {
  return "postgresql:///" + std::string(database) + "?host=" + dir_ + "&port=" + kPort +
         "&user=" + kSuperuser;
}

Result<std::string> Server::CreateDatabase() {
  const std::string name =
      "biac_t" + std::to_string(getpid()) + "_" + std::to_string(++next_database_);
  BIAC_RETURN_IF_ERROR(
      Query("postgres", "CREATE DATABASE " + name + " TEMPLATE " + kTemplate).status());
  return Url(name);
}

Result<std::string> Server::Query(std::string_view database, std::string_view sql) const {
  const std::string url = Url(database);
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string error = PQerrorMessage(conn);
    PQfinish(conn);
    return Unavailable(url + ": connect: " + error);
  }
  const std::string text(sql);
  PGresult* r = PQexec(conn, text.c_str());
  const ExecStatusType status = PQresultStatus(r);
  Result<std::string> out = std::string();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    out = Unavailable(url + ": " + text + ": " + PQresultErrorMessage(r));
  } else if (status == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) {
    out = std::string(PQgetvalue(r, 0, 0));
  }
  PQclear(r);
  PQfinish(conn);
  return out;
}

Status Server::Stop() {
  owned_ = false;
  const std::string log = dir_ + "/setup.log";
  const Status stopped =
      Run({bin_dir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}, log);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  return stopped;
}

Result<Server*> SharedServer() {
  static std::mutex mu;
  static std::unique_ptr<Server> server;
  static Status failure = Status::Ok();
  std::lock_guard lock(mu);
  if (server != nullptr) return server.get();
  if (!failure.ok()) return failure;
  const char* env = std::getenv(kTestDirVariable);
  if (env != nullptr && *env != '\0') {
    Result<std::unique_ptr<Server>> attached = Server::Attach(env);
    if (attached.ok()) {
      server = std::move(attached).value();
      return server.get();
    }
  }
  Result<std::string> bin = FindBinDir();
  if (!bin.ok()) {
    failure = bin.error();
    return failure;
  }
  std::string pattern = "/tmp/biac-pg-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    failure = Unavailable("mkdtemp /tmp/biac-pg-XXXXXX: " + std::string(std::strerror(errno)));
    return failure;
  }
  std::filesystem::remove(pattern);  // Start creates it (and chowns it when root)
  Result<std::unique_ptr<Server>> started = Server::Start(pattern);
  if (!started.ok()) {
    failure = started.error();
    std::error_code ec;
    std::filesystem::remove_all(pattern, ec);
    return failure;
  }
  server = std::move(started).value();
  return server.get();
}

}  // namespace biac::storage::pgtest
