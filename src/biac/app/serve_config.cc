#include "biac/app/serve_config.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "biac/labels/label.h"

namespace biac::app {

namespace {

namespace fs = std::filesystem;

using Keys = std::set<std::string>;

const std::map<std::string, Keys>& KnownTables() {
  static const std::map<std::string, Keys> kTables = {
      {"node", {"name", "data_dir"}},
      {"api",
       {"listen", "tls_dir", "certificate", "private_key", "client_ca", "names", "web_root",
        "threads"}},
      {"cot_out", {"enabled", "listen"}},
      {"storage",
       {"backend", "url", "path", "commit_interval_ms", "retention_hours", "history_interval_s",
        "synchronous_full", "queue_limit"}},
      {"fusion",
       {"lag_s", "late_s", "threads", "publish_interval_ms", "live_pending", "provenance_limit",
        "queue_limit", "picture_store_interval_s", "restart_replay_s", "shed_after_s",
        "background_priority"}},
      {"audit", {"path", "key", "origin"}},
      {"audience", {"name", "clearance", "nationality", "affiliations", "sci", "caveats"}},
      {"user", {"name", "role", "audience", "password", "password_hash", "certificate_subject"}},
      {"feed",
       {"name", "format", "transport", "listen", "connect", "multicast_group", "label", "sensor",
        "receiver", "range_sigma_m", "azimuth_sigma_deg", "beast_gps_timestamps", "max_record",
        "site", "path", "speed", "loop", "certificate", "private_key", "client_ca"}},
      {"feed.site", {"sac", "sic", "lat", "lon", "alt"}},
  };
  return kTables;
}

class Reader {
 public:
  Reader(std::string file, std::string base) : file_(std::move(file)), base_(std::move(base)) {}

  Status Error(std::string_view where, std::string_view key, std::string_view reason) const {
    return InvalidArgument(fmt::format("{}: [{}] {}: {}", file_, where, key, reason));
  }

  Status CheckKeys(const toml::table& table, const std::string& kind,
                   const std::string& where) const {
    const Keys& known = KnownTables().at(kind);
    for (const auto& [key, value] : table) {
      if (!known.count(std::string(key.str()))) return Error(where, key.str(), "unknown key");
    }
    return Status::Ok();
  }

  Status String(const toml::table& t, std::string_view where, std::string_view key,
                std::string& out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_string()) return Error(where, key, "not a string");
    out = *n->value<std::string>();
    return Status::Ok();
  }

  Status Path(const toml::table& t, std::string_view where, std::string_view key,
              std::string& out) const {
    std::string text;
    BIAC_RETURN_IF_ERROR(String(t, where, key, text));
    if (!text.empty()) out = Resolve(text);
    return Status::Ok();
  }

  std::string Resolve(const std::string& path) const {
    const fs::path p(path);
    return p.is_absolute() ? p.lexically_normal().string()
                           : (fs::path(base_) / p).lexically_normal().string();
  }

  Status Bool(const toml::table& t, std::string_view where, std::string_view key,
              bool& out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_boolean()) return Error(where, key, "not true or false");
    out = *n->value<bool>();
    return Status::Ok();
  }

  Status Number(const toml::table& t, std::string_view where, std::string_view key, double& out,
                double min, double max) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_integer() && !n->is_floating_point()) return Error(where, key, "not a number");
    const double v = *n->value<double>();
    if (!(v >= min && v <= max)) {
      return Error(where, key, fmt::format("{} is outside [{}, {}]", v, min, max));
    }
    out = v;
    return Status::Ok();
  }

  Status Integer(const toml::table& t, std::string_view where, std::string_view key,
                 int64_t& out, int64_t min, int64_t max) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_integer()) return Error(where, key, "not an integer");
    const int64_t v = *n->value<int64_t>();
    if (v < min || v > max) {
      return Error(where, key, fmt::format("{} is outside [{}, {}]", v, min, max));
    }
    out = v;
    return Status::Ok();
  }

  Status Strings(const toml::table& t, std::string_view where, std::string_view key,
                 std::vector<std::string>& out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    const toml::array* a = n->as_array();
    if (a == nullptr) return Error(where, key, "not an array of strings");
    out.clear();
    for (const toml::node& item : *a) {
      if (!item.is_string()) return Error(where, key, "not an array of strings");
      out.push_back(*item.value<std::string>());
    }
    return Status::Ok();
  }

  // "host:port" (IPv6 as "[::1]:port").
  Status Address(const toml::table& t, std::string_view where, std::string_view key,
                 std::string& host, uint16_t& port) const {
    std::string text;
    BIAC_RETURN_IF_ERROR(String(t, where, key, text));
    if (text.empty()) return Status::Ok();
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return Error(where, key, fmt::format("'{}' is not host:port", text));
    }
    unsigned value = 0;
    const char* begin = text.data() + colon + 1;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || value > 65535) {
      return Error(where, key, fmt::format("'{}': the port is not 0-65535", text));
    }
    host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    port = static_cast<uint16_t>(value);
    return Status::Ok();
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::string base_;
};

const toml::table* Table(const toml::table& root, std::string_view name) {
  const toml::node* n = root.get(name);
  return n ? n->as_table() : nullptr;
}

Status ReadAudience(const Reader& r, const toml::table& t, const std::string& where,
                    AudienceConfig& out) {
  BIAC_RETURN_IF_ERROR(r.CheckKeys(t, "audience", where));
  BIAC_RETURN_IF_ERROR(r.String(t, where, "name", out.name));
  if (out.name.empty()) return r.Error(where, "name", "required");
  std::string clearance = "UNCLASSIFIED";
  std::string nationality;
  std::vector<std::string> affiliations, sci, caveats;
  BIAC_RETURN_IF_ERROR(r.String(t, where, "clearance", clearance));
  BIAC_RETURN_IF_ERROR(r.String(t, where, "nationality", nationality));
  BIAC_RETURN_IF_ERROR(r.Strings(t, where, "affiliations", affiliations));
  BIAC_RETURN_IF_ERROR(r.Strings(t, where, "sci", sci));
  BIAC_RETURN_IF_ERROR(r.Strings(t, where, "caveats", caveats));
  if (nationality.empty()) return r.Error(where, "nationality", "required (a trigraph)");
  nlohmann::json user{{"clearance", clearance},
                      {"nationality", nationality},
                      {"affiliations", affiliations},
                      {"sci", sci},
                      {"caveats", caveats}};
  auto parsed = labels::ParseUser(user.dump());
  if (!parsed.ok()) return r.Error(where, "authorizations", parsed.error().message());
  out.user = *parsed;
  return Status::Ok();
}

Status ReadUser(const Reader& r, const toml::table& t, const std::string& where,
                UserConfig& out) {
  BIAC_RETURN_IF_ERROR(r.CheckKeys(t, "user", where));
  BIAC_RETURN_IF_ERROR(r.String(t, where, "name", out.name));
  if (out.name.empty()) return r.Error(where, "name", "required");
  std::string role = "analyst";
  BIAC_RETURN_IF_ERROR(r.String(t, where, "role", role));
  auto parsed = api::ParseRole(role);
  if (!parsed.ok()) return r.Error(where, "role", parsed.error().message());
  out.role = *parsed;
  BIAC_RETURN_IF_ERROR(r.String(t, where, "audience", out.audience));
  if (out.audience.empty()) return r.Error(where, "audience", "required");
  BIAC_RETURN_IF_ERROR(r.String(t, where, "password", out.password));
  BIAC_RETURN_IF_ERROR(r.String(t, where, "password_hash", out.password_hash));
  BIAC_RETURN_IF_ERROR(r.String(t, where, "certificate_subject", out.certificate_subject));
  if (!out.password.empty() && !out.password_hash.empty()) {
    return r.Error(where, "password", "give password or password_hash, not both");
  }
  if (out.password.empty() && out.password_hash.empty() && out.certificate_subject.empty()) {
    return r.Error(where, "password", "the user has no way to log in (password, "
                                      "password_hash or certificate_subject)");
  }
  return Status::Ok();
}

Status ReadFeed(const Reader& r, const toml::table& t, const std::string& where,
                FeedConfig& out) {
  BIAC_RETURN_IF_ERROR(r.CheckKeys(t, "feed", where));
  FeedSourceConfig& s = out.source;
  BIAC_RETURN_IF_ERROR(r.String(t, where, "name", s.source));
  if (s.source.empty()) return r.Error(where, "name", "required (the source id)");
  std::string format;
  BIAC_RETURN_IF_ERROR(r.String(t, where, "format", format));
  auto parsed_format = sim::ParseWireFormat(format);
  if (!parsed_format.ok()) return r.Error(where, "format", parsed_format.error().message());
  s.format = *parsed_format;
  BIAC_RETURN_IF_ERROR(r.String(t, where, "label", s.label_text));
  if (s.label_text.empty()) return r.Error(where, "label", "required (what the feed carries)");
  if (auto label = labels::Parse(s.label_text); !label.ok()) {
    return r.Error(where, "label", label.error().message());
  }
  BIAC_RETURN_IF_ERROR(r.String(t, where, "sensor", s.sensor));
  BIAC_RETURN_IF_ERROR(r.Number(t, where, "range_sigma_m", s.range_sigma_m, 0, 1e5));
  BIAC_RETURN_IF_ERROR(r.Number(t, where, "azimuth_sigma_deg", s.azimuth_sigma_deg, 0, 10));
  BIAC_RETURN_IF_ERROR(r.Bool(t, where, "beast_gps_timestamps", s.beast_gps_timestamps));
  int64_t max_record = 0;
  BIAC_RETURN_IF_ERROR(r.Integer(t, where, "max_record", max_record, 0, 16 << 20));
  out.max_record = static_cast<size_t>(max_record);
  if (const toml::node* n = t.get("receiver")) {
    const toml::array* a = n->as_array();
    if (a == nullptr || a->size() != 3 || !std::all_of(a->begin(), a->end(), [](const auto& v) {
          return v.is_number();
        })) {
      return r.Error(where, "receiver", "expected [latitude_deg, longitude_deg, altitude_m]");
    }
    s.receiver = geo::Lla{*(*a)[0].value<double>(), *(*a)[1].value<double>(),
                          *(*a)[2].value<double>()};
  }
  if (const toml::node* n = t.get("site")) {
    const toml::array* sites = n->as_array();
    if (sites == nullptr) return r.Error(where, "site", "expected [[feed.site]] tables");
    for (size_t i = 0; i < sites->size(); ++i) {
      const toml::table* st = (*sites)[i].as_table();
      const std::string site_where = fmt::format("{}.site[{}]", where, i);
      if (st == nullptr) return r.Error(site_where, "", "expected a table");
      BIAC_RETURN_IF_ERROR(r.CheckKeys(*st, "feed.site", site_where));
      int64_t sac = -1, sic = -1;
      double lat = 1000, lon = 1000, alt = 0;
      BIAC_RETURN_IF_ERROR(r.Integer(*st, site_where, "sac", sac, 0, 255));
      BIAC_RETURN_IF_ERROR(r.Integer(*st, site_where, "sic", sic, 0, 255));
      BIAC_RETURN_IF_ERROR(r.Number(*st, site_where, "lat", lat, -90, 90));
      BIAC_RETURN_IF_ERROR(r.Number(*st, site_where, "lon", lon, -180, 180));
      BIAC_RETURN_IF_ERROR(r.Number(*st, site_where, "alt", alt, -1000, 100000));
      if (sac < 0 || sic < 0 || lat > 90 || lon > 180) {
        return r.Error(site_where, "sac", "sac, sic, lat and lon are required");
      }
      s.sites.push_back({static_cast<uint8_t>(sac), static_cast<uint8_t>(sic),
                         geo::Lla{lat, lon, alt}});
    }
  }
  if (s.format == sim::WireFormat::kAsterix && s.sites.empty()) {
    return r.Error(where, "site", "an ASTERIX feed needs its radar sites ([[feed.site]])");
  }

  std::string transport = "udp";
  BIAC_RETURN_IF_ERROR(r.String(t, where, "transport", transport));
  net::FeedEndpoint& e = out.endpoint;
  if (transport == "udp") {
    e.transport = net::Transport::kUdp;
  } else if (transport == "tcp-server") {
    e.transport = net::Transport::kTcpServer;
  } else if (transport == "tcp-client") {
    e.transport = net::Transport::kTcpClient;
  } else if (transport == "file") {
    e.transport = net::Transport::kFile;
  } else if (transport == "tls-server") {
    e.transport = net::Transport::kTlsServer;
  } else {
    return r.Error(where, "transport",
                   fmt::format("'{}': expected udp, tcp-server, tcp-client, tls-server or file",
                               transport));
  }
  if (e.transport == net::Transport::kTlsServer) {
    BIAC_RETURN_IF_ERROR(r.Path(t, where, "certificate", e.tls_certificate));
    BIAC_RETURN_IF_ERROR(r.Path(t, where, "private_key", e.tls_private_key));
    BIAC_RETURN_IF_ERROR(r.Path(t, where, "client_ca", e.tls_client_ca));
    if (e.tls_certificate.empty() != e.tls_private_key.empty()) {
      return r.Error(where, "certificate", "give certificate and private_key together");
    }
  } else {
    for (const char* key : {"certificate", "private_key", "client_ca"}) {
      if (t.get(key)) return r.Error(where, key, "only tls-server feeds have it");
    }
  }
  if (e.transport == net::Transport::kFile) {
    for (const char* key : {"listen", "connect", "multicast_group"}) {
      if (t.get(key)) return r.Error(where, key, "a file feed reads its path");
    }
    BIAC_RETURN_IF_ERROR(r.Path(t, where, "path", e.path));
    if (e.path.empty()) return r.Error(where, "path", "required (the file to replay)");
    BIAC_RETURN_IF_ERROR(r.Number(t, where, "speed", e.speed, 0, 1e6));
    BIAC_RETURN_IF_ERROR(r.Bool(t, where, "loop", e.loop));
    e.host.clear();
    return Status::Ok();
  }
  for (const char* key : {"path", "speed", "loop"}) {
    if (t.get(key)) return r.Error(where, key, "only file feeds have it");
  }
  const bool client = e.transport == net::Transport::kTcpClient;
  if (client && t.get("listen")) return r.Error(where, "listen", "a tcp-client feed connects");
  if (!client && t.get("connect")) return r.Error(where, "connect", "only tcp-client connects");
  BIAC_RETURN_IF_ERROR(r.Address(t, where, client ? "connect" : "listen", e.host, e.port));
  if (!t.get(client ? "connect" : "listen")) {
    return r.Error(where, client ? "connect" : "listen", "required (host:port)");
  }
  if (client && e.port == 0) return r.Error(where, "connect", "port 0");
  BIAC_RETURN_IF_ERROR(r.String(t, where, "multicast_group", e.multicast_group));
  if (!e.multicast_group.empty() && e.transport != net::Transport::kUdp) {
    return r.Error(where, "multicast_group", "only UDP feeds join a multicast group");
  }
  return Status::Ok();
}

}  // namespace

Result<ServeConfig> ParseServeConfig(std::string_view text, const std::string& file,
                                     const std::string& base_dir) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(fmt::format("{}: line {}, column {}: {}", file, e.source().begin.line,
                                       e.source().begin.column, e.description()));
  }
  Reader r(file, base_dir);
  for (const auto& [key, value] : root) {
    const std::string name(key.str());
    if (!KnownTables().count(name) || name == "feed.site") {
      return InvalidArgument(fmt::format("{}: unknown table '{}'", file, name));
    }
  }

  ServeConfig c;
  c.file = file;
  c.data_dir = r.Resolve("data");
  if (const toml::table* t = Table(root, "node")) {
    BIAC_RETURN_IF_ERROR(r.CheckKeys(*t, "node", "node"));
    BIAC_RETURN_IF_ERROR(r.String(*t, "node", "name", c.node_name));
    BIAC_RETURN_IF_ERROR(r.Path(*t, "node", "data_dir", c.data_dir));
  }
  const auto in_data = [&](const std::string& name) {
    return (fs::path(c.data_dir) / name).lexically_normal().string();
  };
  c.tls_dir = in_data("tls");
  c.store.path = in_data("biac.db");
  c.audit_path = in_data("audit.log");
  c.audit_key_path = in_data("audit.key");
  c.audit_origin = c.node_name + "/audit";
  c.engine.lag_s = 1.0;
  c.engine.late_s = 1.0;
  c.engine.provenance_limit = 32;
  // Bounded queues keep memory bounded: a full queue back-pressures rather than grows. The
  // writer's queue takes a stored picture at once (every changed track of every audience:
  // 40,000 rows for two audiences of 20,000 tracks) on top of the observations queued while
  // the writer commits it; 100,000 rows was reached at 50,000 observations/s, and the fusion
  // thread, which appends the observations, then waited (docs/node-load.md, session 10).
  c.store.queue_limit = 250000;

  if (const toml::table* t = Table(root, "api")) {
    BIAC_RETURN_IF_ERROR(r.CheckKeys(*t, "api", "api"));
    BIAC_RETURN_IF_ERROR(r.Address(*t, "api", "listen", c.api_address, c.api_port));
    BIAC_RETURN_IF_ERROR(r.Path(*t, "api", "tls_dir", c.tls_dir));
    BIAC_RETURN_IF_ERROR(r.Path(*t, "api", "certificate", c.certificate));
    BIAC_RETURN_IF_ERROR(r.Path(*t, "api", "private_key", c.private_key));
    BIAC_RETURN_IF_ERROR(r.Path(*t, "api", "client_ca", c.client_ca));
    BIAC_RETURN_IF_ERROR(r.Strings(*t, "api", "names", c.tls_names));
    BIAC_RETURN_IF_ERROR(r.Path(*t, "api", "web_root", c.web_root));
    int64_t threads = c.api_threads;
    BIAC_RETURN_IF_ERROR(r.Integer(*t, "api", "threads", threads, 1, 64));
    c.api_threads = static_cast<int>(threads);
    if (c.certificate.empty() != c.private_key.empty()) {
      return r.Error("api", "certificate", "give certificate and private_key together");
    }
  }
  if (const toml::table* t = Table(root, "cot_out")) {
    BIAC_RETURN_IF_ERROR(r.CheckKeys(*t, "cot_out", "cot_out"));
    c.cot_out = true;
    BIAC_RETURN_IF_ERROR(r.Bool(*t, "cot_out", "enabled", c.cot_out));
    BIAC_RETURN_IF_ERROR(r.Address(*t, "cot_out", "listen", c.cot_address, c.cot_port));
  }
  if (const toml::table* t = Table(root, "storage")) {
    BIAC_RETURN_IF_ERROR(r.CheckKeys(*t, "storage", "storage"));
    BIAC_RETURN_IF_ERROR(r.String(*t, "storage", "backend", c.store_backend));
    if (c.store_backend != "sqlite" && c.store_backend != "postgresql") {
      return r.Error("storage", "backend", "must be \"sqlite\" or \"postgresql\"");
    }
    BIAC_RETURN_IF_ERROR(r.String(*t, "storage", "url", c.store_url));
    if (c.store_backend == "postgresql" && c.store_url.empty()) {
      return r.Error("storage", "url", "is required when backend = \"postgresql\"");
    }
    BIAC_RETURN_IF_ERROR(r.Path(*t, "storage", "path", c.store.path));
    double commit_ms = 50;
    BIAC_RETURN_IF_ERROR(r.Number(*t, "storage", "commit_interval_ms", commit_ms, 1, 1000));
    c.store.commit_interval = std::chrono::microseconds(static_cast<int64_t>(commit_ms * 1000));
    BIAC_RETURN_IF_ERROR(
        r.Number(*t, "storage", "retention_hours", c.store.retention_hours, 0.01, 24.0 * 3650));
    BIAC_RETURN_IF_ERROR(
        r.Number(*t, "storage", "history_interval_s", c.store.history_interval_s, 0, 3600));
    BIAC_RETURN_IF_ERROR(r.Bool(*t, "storage", "synchronous_full", c.store.synchronous_full));
    int64_t queue = static_cast<int64_t>(c.store.queue_limit);
    BIAC_RETURN_IF_ERROR(r.Integer(*t, "storage", "queue_limit", queue, 1000, 100'000'000));
    c.store.queue_limit = static_cast<size_t>(queue);
  }
  if (const toml::table* t = Table(root, "fusion")) {
    BIAC_RETURN_IF_ERROR(r.CheckKeys(*t, "fusion", "fusion"));
    BIAC_RETURN_IF_ERROR(r.Number(*t, "fusion", "lag_s", c.engine.lag_s, 0, 600));
    BIAC_RETURN_IF_ERROR(r.Number(*t, "fusion", "late_s", c.engine.late_s, 0, 600));
    int64_t threads = c.fusion_threads;
    BIAC_RETURN_IF_ERROR(r.Integer(*t, "fusion", "threads", threads, 1, 64));
    c.fusion_threads = static_cast<int>(threads);
    double publish_ms = c.publish_interval_s * 1000;
    BIAC_RETURN_IF_ERROR(r.Number(*t, "fusion", "publish_interval_ms", publish_ms, 5, 10000));
    c.publish_interval_s = publish_ms / 1000;
    BIAC_RETURN_IF_ERROR(r.Bool(*t, "fusion", "live_pending", c.live_pending));
    int64_t limit = static_cast<int64_t>(c.engine.provenance_limit);
    BIAC_RETURN_IF_ERROR(r.Integer(*t, "fusion", "provenance_limit", limit, 0, 1'000'000));
    c.engine.provenance_limit = static_cast<size_t>(limit);
    int64_t queue = static_cast<int64_t>(c.queue_limit);
    BIAC_RETURN_IF_ERROR(r.Integer(*t, "fusion", "queue_limit", queue, 100, 100'000'000));
    c.queue_limit = static_cast<size_t>(queue);
    BIAC_RETURN_IF_ERROR(r.Number(*t, "fusion", "picture_store_interval_s",
                                  c.picture_store_interval_s, 0.05, 3600));
    BIAC_RETURN_IF_ERROR(
        r.Number(*t, "fusion", "restart_replay_s", c.restart_replay_s, 0, 7 * 86400.0));
    BIAC_RETURN_IF_ERROR(r.Number(*t, "fusion", "shed_after_s", c.shed_after_s, 0, 3600));
    std::string priority(ThreadPriorityName(c.background_priority));
    BIAC_RETURN_IF_ERROR(r.String(*t, "fusion", "background_priority", priority));
    const auto parsed = ThreadPriorityFromName(priority);
    if (!parsed) {
      return r.Error("fusion", "background_priority",
                     "must be \"idle\", \"low\" or \"normal\"");
    }
    c.background_priority = *parsed;
  }
  if (const toml::table* t = Table(root, "audit")) {
    BIAC_RETURN_IF_ERROR(r.CheckKeys(*t, "audit", "audit"));
    BIAC_RETURN_IF_ERROR(r.Path(*t, "audit", "path", c.audit_path));
    BIAC_RETURN_IF_ERROR(r.Path(*t, "audit", "key", c.audit_key_path));
    BIAC_RETURN_IF_ERROR(r.String(*t, "audit", "origin", c.audit_origin));
  }

  const auto array_of_tables = [&](std::string_view name) -> Result<const toml::array*> {
    const toml::node* n = root.get(name);
    if (n == nullptr) return static_cast<const toml::array*>(nullptr);
    const toml::array* a = n->as_array();
    if (a == nullptr || !a->is_array_of_tables()) {
      return InvalidArgument(fmt::format("{}: '{}' must be written [[{}]]", file, name, name));
    }
    return a;
  };
  BIAC_ASSIGN_OR_RETURN(const toml::array* audiences, array_of_tables("audience"));
  BIAC_ASSIGN_OR_RETURN(const toml::array* users, array_of_tables("user"));
  BIAC_ASSIGN_OR_RETURN(const toml::array* feeds, array_of_tables("feed"));
  std::set<std::string> names;
  for (size_t i = 0; audiences && i < audiences->size(); ++i) {
    AudienceConfig a;
    BIAC_RETURN_IF_ERROR(
        ReadAudience(r, *(*audiences)[i].as_table(), fmt::format("audience[{}]", i), a));
    if (!names.insert(a.name).second) {
      return r.Error(fmt::format("audience[{}]", i), "name", "'" + a.name + "' is used twice");
    }
    c.audiences.push_back(std::move(a));
  }
  if (c.audiences.empty()) {
    return InvalidArgument(fmt::format("{}: no [[audience]]: nobody could see a picture", file));
  }
  names.clear();
  for (size_t i = 0; users && i < users->size(); ++i) {
    UserConfig u;
    const std::string where = fmt::format("user[{}]", i);
    BIAC_RETURN_IF_ERROR(ReadUser(r, *(*users)[i].as_table(), where, u));
    if (!names.insert(u.name).second) {
      return r.Error(where, "name", "'" + u.name + "' is used twice");
    }
    if (std::none_of(c.audiences.begin(), c.audiences.end(),
                     [&](const AudienceConfig& a) { return a.name == u.audience; })) {
      return r.Error(where, "audience", "'" + u.audience + "' is not an [[audience]]");
    }
    c.users.push_back(std::move(u));
  }
  names.clear();
  for (size_t i = 0; feeds && i < feeds->size(); ++i) {
    FeedConfig f;
    const std::string where = fmt::format("feed[{}]", i);
    BIAC_RETURN_IF_ERROR(ReadFeed(r, *(*feeds)[i].as_table(), where, f));
    if (f.endpoint.transport == net::Transport::kTlsServer) {
      // Without its own files, a TLS feed uses the node's: the configured [api] PKI, else the
      // local CA the node keeps in tls_dir (net/http/tls.h EnsureLocalCa: server.pem,
      // server.key, and ca.pem, which issues the TAK clients' certificates).
      net::FeedEndpoint& e = f.endpoint;
      if (e.tls_certificate.empty()) {
        e.tls_certificate = c.certificate.empty()
                                ? (fs::path(c.tls_dir) / "server.pem").lexically_normal().string()
                                : c.certificate;
        e.tls_private_key = c.private_key.empty()
                                ? (fs::path(c.tls_dir) / "server.key").lexically_normal().string()
                                : c.private_key;
      }
      if (e.tls_client_ca.empty()) {
        e.tls_client_ca = !c.client_ca.empty()   ? c.client_ca
                          : c.certificate.empty() ? (fs::path(c.tls_dir) / "ca.pem").string()
                                                  : std::string();
      }
      if (e.tls_client_ca.empty()) {
        return r.Error(where, "client_ca",
                       "a tls-server feed needs the CA of its clients' certificates (with a "
                       "configured [api] certificate, give [api] client_ca or the feed's own)");
      }
    }
    if (!names.insert(f.source.source).second) {
      return r.Error(where, "name", "'" + f.source.source + "' is used twice");
    }
    c.feeds.push_back(std::move(f));
  }
  return c;
}

Result<ServeConfig> LoadServeConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound(fmt::format("{}: cannot read the configuration file", path));
  std::ostringstream text;
  text << in.rdbuf();
  const fs::path absolute = fs::absolute(path);
  return ParseServeConfig(text.str(), path, absolute.parent_path().string());
}

}  // namespace biac::app
