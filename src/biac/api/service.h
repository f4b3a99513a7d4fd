#pragma once

// The node's HTTP API (docs/api.md; the OpenAPI description is served at
// /api/v1/openapi.json). Every request but the static web page and the login is
// authenticated (password, token or client certificate: auth/accounts.h), answered from the
// picture of the caller's own audience (computed for it by fusion, never filtered here), and
// recorded in the audit log as an access decision, whether permitted or not.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "biac/api/audit_sink.h"
#include "biac/api/auth/accounts.h"
#include "biac/api/picture_hub.h"
#include "biac/api/sensors.h"
#include "biac/api/stream.h"
#include "biac/base/clock.h"
#include "biac/labels/access.h"
#include "biac/net/http/server.h"
#include "biac/storage/store.h"

namespace biac::api {

struct AudienceProfile {
  std::string name;     // the audience's name (a view of the picture)
  labels::User user;    // its authorizations
};

struct ApiContext {
  std::string node_name;
  std::vector<AudienceProfile> audiences;  // index as in the PictureHub
  AccountDirectory* accounts = nullptr;
  storage::Store* store = nullptr;
  PictureHub* hub = nullptr;
  Streamer* streamer = nullptr;
  SensorBoard* sensors = nullptr;  // GET /api/v1/sensors (null: the route answers 404)
  AuditSink* audit = nullptr;
  const Clock* clock = nullptr;
  std::string web_root;  // built web page; empty: none
  Duration session_lifetime = std::chrono::hours(12);
  // Read at request time.
  // GET /api/v1/sources (with_stored: also count each source's stored observations)
  std::function<nlohmann::json(bool with_stored)> sources;
  std::function<nlohmann::json()> health;   // GET /api/v1/health: {"status": ..., ...}
  std::function<std::string()> metrics;     // GET /metrics
};

class ApiService {
 public:
  explicit ApiService(ApiContext context);

  net::HttpResponse Handle(const net::HttpRequest& request);
  std::unique_ptr<net::WebSocketHandler> Upgrade(const net::HttpRequest& request,
                                                 std::shared_ptr<net::WebSocketSession> session,
                                                 net::HttpResponse& refusal);

  // The audience of an authenticated principal: the first whose authorizations equal its
  // profile.
  std::optional<size_t> AudienceOf(const Principal& principal) const;

 private:
  struct Call;
  net::HttpResponse Route(Call& call);
  net::HttpResponse Static(const net::HttpRequest& request);
  net::HttpResponse Login(const net::HttpRequest& request);
  net::HttpResponse Picture(Call& call, bool is_export);
  net::HttpResponse Track(Call& call, uint64_t id);
  net::HttpResponse History(Call& call, uint64_t id);
  net::HttpResponse Replay(Call& call);
  net::HttpResponse Search(Call& call);
  net::HttpResponse Alerts(Call& call);
  net::HttpResponse Areas(Call& call);
  net::HttpResponse DeleteArea(Call& call, uint64_t id);
  net::HttpResponse Users(Call& call);
  net::HttpResponse Tokens(Call& call);
  net::HttpResponse DeleteToken(Call& call, const std::string& id);

  ApiContext context_;
};

}  // namespace biac::api
