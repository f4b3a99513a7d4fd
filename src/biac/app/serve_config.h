#pragma once

// The node's configuration file (`biac serve --config FILE`, TOML; docs/node.md lists every
// key). Relative paths are resolved against the folder of the configuration file. Errors name
// the file, the table and key, and the reason; the node refuses to start on any of them
// (`biac serve --check` reports them without starting).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "biac/api/auth/accounts.h"
#include "biac/app/feed_decode.h"
#include "biac/base/status.h"
#include "biac/base/thread.h"
#include "biac/fusion/engine.h"
#include "biac/labels/access.h"
#include "biac/net/feed/feed.h"
#include "biac/storage/store.h"

namespace biac::app {

struct FeedConfig {
  FeedSourceConfig source;   // name (= Observation::source), format, label, sensor, sites
  net::FeedEndpoint endpoint;
  size_t max_record = 0;     // framer bound (0: the format's default)
};

struct AudienceConfig {
  std::string name;
  labels::User user;
};

struct UserConfig {
  std::string name;
  api::Role role = api::Role::kAnalyst;
  std::string audience;
  std::string password;       // demo configurations: hashed at start, never stored in clear
  std::string password_hash;  // argon2id PHC string
  std::string certificate_subject;
};

struct ServeConfig {
  std::string file;  // the configuration file read
  std::string node_name = "biac";
  std::string data_dir;  // absolute

  std::string api_address = "127.0.0.1";
  uint16_t api_port = 8443;
  std::string tls_dir;  // local CA and server certificate, made on first start when absent
  std::string certificate, private_key, client_ca;  // configured PKI (all or none)
  std::vector<std::string> tls_names = {"localhost", "127.0.0.1"};
  std::string web_root;
  int api_threads = 2;

  bool cot_out = false;
  std::string cot_address = "127.0.0.1";
  uint16_t cot_port = 8089;

  storage::StoreOptions store;
  std::string store_backend = "sqlite";  // [storage] backend: "sqlite" or "postgresql"
  std::string store_url;                 // [storage] url (libpq URI), for "postgresql"
  fusion::EngineOptions engine;
  double publish_interval_s = 0.05;
  // Threads that run the audiences' fusion engines at once (the fusion thread included):
  // the engines of different views are independent (fusion/release.h).
  int fusion_threads = 2;
  bool live_pending = true;
  size_t queue_limit = 50000;  // observations queued between the listeners and fusion
  // Overload: an observation that waited longer than this between its arrival and the fusion
  // thread is stored and acknowledged but not fused (counted as shed); 0 fuses everything.
  double shed_after_s = 1.0;
  // How often each audience's picture goes to the store (current table and history rows).
  // The live API serves pictures from memory and a restart rebuilds them from the stored
  // observations, so the stored picture is for inspection and history: 5 s, the history's own
  // sampling (storage history_interval_s). At 20,000 tracks that all change every second,
  // storing every second cost about a quarter of a core (docs/storage.md).
  double picture_store_interval_s = 5.0;
  // The priority of the node's background threads: the store writer and the thread that
  // stores the pictures. "idle" (SCHED_IDLE): they run on what the fusion, the stream and the
  // feeds leave of the cores, so that a stored picture's burst (20,000 tracks: as many
  // current and history rows) does not delay the live picture (docs/node-load.md, session
  // 11); the store's queue limit bounds how far they may fall behind.
  ThreadPriority background_priority = ThreadPriority::kIdle;
  double restart_replay_s = 900.0;

  std::string audit_path, audit_key_path, audit_origin;

  std::vector<AudienceConfig> audiences;
  std::vector<UserConfig> users;
  std::vector<FeedConfig> feeds;
};

Result<ServeConfig> LoadServeConfig(const std::string& path);
// `file` names the text in errors; relative paths resolve against `base_dir`.
Result<ServeConfig> ParseServeConfig(std::string_view text, const std::string& file,
                                     const std::string& base_dir);

}  // namespace biac::app
