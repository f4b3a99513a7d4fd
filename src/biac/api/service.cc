#include "biac/api/service.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "biac/api/export/export.h"
#include "biac/api/openapi_data.h"
#include "biac/api/track_codec.h"
#include "biac/base/civil.h"
#include "biac/base/log.h"
#include "biac/labels/label.h"
#include "biac/model/picture_json.h"

namespace biac::api {

namespace {

using Json = nlohmann::json;
using Query = std::multimap<std::string, std::string>;

constexpr size_t kAuditLabelLimit = 32;   // distinct labels named per audited request
constexpr size_t kSearchLimit = 100;
constexpr size_t kHistoryLimit = 20000;
constexpr size_t kReplayLimit = 500000;
constexpr size_t kAlertLimit = 1000;
constexpr size_t kSensorLimit = 5000;    // GMTI detections per /api/v1/sensors answer
constexpr double kMaxTokenLifetimeHours = 24.0 * 365.0;
constexpr int64_t kNanosPerMilli = 1'000'000;

net::HttpResponse JsonResponse(int status, const Json& body) {
  net::HttpResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

net::HttpResponse Error(int status, std::string_view code, std::string_view message) {
  return JsonResponse(status, Json{{"error", code}, {"message", message}});
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

Query ParseQuery(std::string_view query) {
  Query out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      out.emplace(PercentDecode(pair.substr(0, eq)),
                  eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1)));
    }
    start = end + 1;
  }
  return out;
}

std::optional<std::string> Param(const Query& query, const std::string& name) {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

// A time parameter: milliseconds since 1970 UTC, or ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff]Z".
Result<Timestamp> ParseTime(std::string_view name, std::string_view text) {
  int64_t millis = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), millis);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    return Timestamp::FromNanos(millis * kNanosPerMilli);
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double s = 0;
  char z = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%c", &y, &mo, &d, &h, &mi, &s, &z) == 7 &&
      z == 'Z' && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s >= 0 &&
      s < 61) {
    const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    const double seconds = static_cast<double>(days) * 86400.0 + h * 3600.0 + mi * 60.0 + s;
    return Timestamp::FromNanos(static_cast<int64_t>(std::llround(seconds * 1e9)));
  }
  return InvalidArgument(fmt::format(
      "{} '{}': expected milliseconds since 1970 or YYYY-MM-DDTHH:MM:SS[.fff]Z", name, text));
}

struct Polygon {
  std::vector<std::pair<double, double>> points;  // lon, lat
  bool Contains(double lat, double lon) const {
    bool inside = false;
    for (size_t i = 0, j = points.size() - 1; i < points.size(); j = i++) {
      const auto [xi, yi] = points[i];
      const auto [xj, yj] = points[j];
      if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }
};

Result<Polygon> ParsePolygon(std::string_view text) {
  Polygon polygon;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view point = text.substr(start, end - start);
    const size_t comma = point.find(',');
    double lon = 0, lat = 0;
    if (comma == std::string_view::npos ||
        std::from_chars(point.data(), point.data() + comma, lon).ec != std::errc() ||
        std::from_chars(point.data() + comma + 1, point.data() + point.size(), lat).ec !=
            std::errc() ||
        !std::isfinite(lon) || !std::isfinite(lat) || std::abs(lat) > 90 || std::abs(lon) > 180) {
      return InvalidArgument(fmt::format("polygon: point '{}' is not lon,lat in degrees", point));
    }
    polygon.points.emplace_back(lon, lat);
    start = end + 1;
  }
  if (polygon.points.size() < 3) {
    return InvalidArgument("polygon: at least three points lon,lat;lon,lat;... are needed");
  }
  return polygon;
}

// The layer filters of GET /api/v1/picture and /export (docs/api.md, "Layer filters"): the web
// page's hidden layers, so an export holds what the analyst sees. Applied to the audience's
// released picture, they can only remove tracks. Each hide_* parameter names one value and may
// be repeated (a rendered label holds commas); `ids` is a comma list.
struct TrackFilter {
  std::set<std::string, std::less<>> domains;  // hide_domain
  std::set<std::string, std::less<>> sources;  // hide_source: gone when ALL its sources are
  std::set<std::string, std::less<>> nations;  // hide_nation: gone when ALL its originators are
  std::set<std::string, std::less<>> labels;   // hide_label: the rendered label, exactly
  std::optional<std::set<uint64_t>> ids;       // ids: keep only these

  // The page's nations of a label: "open" for unclassified material, else the originators'
  // policies; none for UNLABELLED (never hidden by nation), as web/src/app.ts nationsOf().
  static std::vector<std::string_view> NationsOf(const labels::Label& label) {
    std::vector<std::string_view> out;
    if (label.unlabelled()) return out;
    if (label.level() == labels::Level::kUnclassified) return {"open"};
    for (const labels::Origin& o : label.origins()) out.push_back(o.policy);
    return out;
  }

  bool Keeps(const model::FusedTrack& t) const {
    if (ids && !ids->contains(t.id)) return false;
    if (domains.contains(model::DomainName(t.domain))) return false;
    if (!labels.empty() && labels.contains(labels::Render(t.label))) return false;
    const auto all_hidden = [](const auto& values, const auto& hidden) {
      return !hidden.empty() && !values.empty() &&
             std::all_of(values.begin(), values.end(),
                         [&](const auto& v) { return hidden.contains(v); });
    };
    if (all_hidden(NationsOf(t.label), nations)) return false;
    return !all_hidden(t.sources, sources);
  }
};

Result<TrackFilter> ParseTrackFilter(const Query& query) {
  static constexpr std::string_view kDomains[] = {"unknown", "sea", "air", "land", "space"};
  TrackFilter filter;
  for (const auto& [key, value] : query) {
    if (key == "hide_domain") {
      if (std::find(std::begin(kDomains), std::end(kDomains), value) == std::end(kDomains)) {
        return InvalidArgument(
            fmt::format("hide_domain: '{}' is not one of unknown, sea, air, land, space", value));
      }
      filter.domains.insert(value);
    } else if (key == "hide_source") {
      filter.sources.insert(value);
    } else if (key == "hide_nation") {
      filter.nations.insert(value);
    } else if (key == "hide_label") {
      filter.labels.insert(value);
    } else if (key == "ids") {
      if (!filter.ids) filter.ids.emplace();
      size_t start = 0;
      while (start <= value.size()) {
        size_t end = value.find(',', start);
        if (end == std::string::npos) end = value.size();
        const std::string_view item = std::string_view(value).substr(start, end - start);
        uint64_t id = 0;
        const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), id);
        if (item.empty() || ec != std::errc() || ptr != item.data() + item.size()) {
          return InvalidArgument(fmt::format("ids: '{}' is not a track id", item));
        }
        filter.ids->insert(id);
        start = end + 1;
      }
    }
  }
  return filter;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(in[i]) << 16) |
                       (static_cast<uint8_t>(in[i + 1]) << 8) | static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string ContentTypeOf(const std::filesystem::path& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript"},
      {".mjs", "text/javascript"},           {".css", "text/css"},
      {".json", "application/json"},         {".png", "image/png"},
      {".svg", "image/svg+xml"},             {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},              {".wasm", "application/wasm"},
      {".map", "application/json"},          {".txt", "text/plain; charset=utf-8"},
  };
  auto it = kTypes.find(path.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

constexpr std::string_view kNoWebPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>biac node</title></head>
<body><h1>biac node</h1><p>The web page is not built on this node. The API is at
<code>/api/v1/</code> (OpenAPI description: <code>/api/v1/openapi.json</code>).</p></body></html>
)";

// Parses a request body as a JSON object.
Result<Json> BodyObject(const net::HttpRequest& request) {
  Json body = Json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return InvalidArgument("the request body must be a JSON object");
  }
  return body;
}

std::optional<uint64_t> ParseId(std::string_view text) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

struct ApiService::Call {
  const net::HttpRequest& request;
  Principal principal;
  size_t audience = 0;
  Timestamp now;
  Query query;
  std::set<std::string> labels;  // labels of what was released, for the audit entry
  std::string reason;

  void Released(const labels::Label& label) {
    if (labels.size() < kAuditLabelLimit) labels.insert(labels::Render(label));
  }
  bool admin() const { return principal.role == Role::kAdmin; }
};

ApiService::ApiService(ApiContext context) : context_(std::move(context)) {}

std::optional<size_t> ApiService::AudienceOf(const Principal& principal) const {
  for (size_t i = 0; i < context_.audiences.size(); ++i) {
    if (context_.audiences[i].user == principal.profile) return i;
  }
  return std::nullopt;
}

net::HttpResponse ApiService::Handle(const net::HttpRequest& request) {
  const bool api = request.path.starts_with("/api/") || request.path == "/metrics";
  if (!api) return Static(request);
  if (request.path == "/api/v1/login") return Login(request);

  const Timestamp now = context_.clock->Now();
  const std::string* authorization = request.Header("authorization");
  Credentials credentials{authorization ? std::string_view(*authorization) : std::string_view(),
                          request.client_subject, now};
  auto principal = context_.accounts->Authenticate(credentials);
  const std::string what = request.method + " " + request.target;
  if (!principal.ok()) {
    context_.audit->Decision(now, "anonymous@" + request.peer, what, {}, false,
                             principal.error().message());
    net::HttpResponse response = Error(401, "unauthenticated", "credentials required");
    response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"biac\", Bearer");
    return response;
  }
  const auto audience = AudienceOf(*principal);
  if (!audience) {
    context_.audit->Decision(now, principal->user, what, {}, false,
                             "no audience has this user's authorizations");
    return Error(403, "forbidden", "no picture is configured for this user's authorizations");
  }
  Call call{request, std::move(principal).value(), *audience, now, ParseQuery(request.query), {},
            {}};
  net::HttpResponse response = Route(call);
  const bool permit = response.status < 400;
  if (call.reason.empty() && !permit) call.reason = fmt::format("status {}", response.status);
  context_.audit->Decision(now, call.principal.user, what,
                           std::vector<std::string>(call.labels.begin(), call.labels.end()),
                           permit, call.reason);
  return response;
}

net::HttpResponse ApiService::Route(Call& call) {
  const net::HttpRequest& request = call.request;
  const std::string& path = request.path;
  const std::string& method = request.method;
  const bool get = method == "GET" || method == "HEAD";

  if (path == "/metrics" && get) {
    net::HttpResponse response;
    response.content_type = "text/plain; version=0.0.4";
    response.body = context_.metrics ? context_.metrics() : std::string();
    return response;
  }
  if (path == "/api/v1/openapi.json" && get) {
    net::HttpResponse response;
    response.body = std::string(kOpenApiJson);
    return response;
  }
  if (path == "/api/v1/me" && get) {
    return JsonResponse(
        200, Json{{"user", call.principal.user},
                  {"role", RoleName(call.principal.role)},
                  {"method", call.principal.method},
                  {"audience", context_.audiences[call.audience].name},
                  {"profile", Json::parse(labels::UserToJson(call.principal.profile))}});
  }
  if (path == "/api/v1/health" && get) {
    return JsonResponse(200, context_.health ? context_.health() : Json{{"status", "ok"}});
  }
  if (path == "/api/v1/sources" && get) {
    const bool with_stored = Param(call.query, "stored").value_or("0") == "1";
    Json all = context_.sources ? context_.sources(with_stored) : Json::array();
    if (call.admin()) return JsonResponse(200, all);
    // A feed's name, address and figures are released under the feed's own label: an analyst
    // does not learn that a source above its audience's authorizations exists (the web page
    // lists sources as layers).
    const labels::User& user = context_.audiences[call.audience].user;
    Json released = Json::array();
    for (Json& entry : all) {
      const auto text = entry.find("label");
      if (text == entry.end() || !text->is_string()) continue;
      auto label = labels::Parse(text->get<std::string>());
      if (!label.ok() || !labels::Permits(user, *label)) continue;
      call.Released(*label);
      released.push_back(std::move(entry));
    }
    return JsonResponse(200, released);
  }
  if (path == "/api/v1/picture" && get) return Picture(call, false);
  if (path == "/api/v1/export" && get) return Picture(call, true);
  if (path == "/api/v1/search" && get) return Search(call);
  if (path == "/api/v1/replay" && get) return Replay(call);
  if (path == "/api/v1/alerts" && get) return Alerts(call);
  if (path == "/api/v1/sensors" && get) {
    // UAV footprints and GMTI detections (api/sensors.h), released like the tracks.
    if (context_.sensors == nullptr) return Error(404, "not_found", "no sensor board");
    auto window = ParseSensorWindow(Param(call.query, "since_s"));
    if (!window.ok()) return Error(400, "bad_request", window.error().message());
    SensorAnswer answer = context_.sensors->Answer(context_.audiences[call.audience].user,
                                                   call.now - *window, call.now, kSensorLimit);
    for (const labels::Label& label : answer.released) call.Released(label);
    net::HttpResponse response;
    response.body = std::move(answer.body);
    return response;
  }
  if (path == "/api/v1/areas" && (get || method == "POST")) return Areas(call);
  if (path == "/api/v1/users" && (get || method == "POST")) return Users(call);
  if (path == "/api/v1/tokens" && (get || method == "POST")) return Tokens(call);

  constexpr std::string_view kTracks = "/api/v1/tracks/";
  if (path.starts_with(kTracks) && get) {
    std::string_view rest = std::string_view(path).substr(kTracks.size());
    bool history = false;
    if (rest.ends_with("/history")) {
      history = true;
      rest.remove_suffix(std::string_view("/history").size());
    }
    const auto id = ParseId(rest);
    if (!id) return Error(404, "not_found", "no such track");
    return history ? History(call, *id) : Track(call, *id);
  }
  constexpr std::string_view kAreas = "/api/v1/areas/";
  if (path.starts_with(kAreas) && method == "DELETE") {
    const auto id = ParseId(std::string_view(path).substr(kAreas.size()));
    if (!id) return Error(404, "not_found", "no such area");
    return DeleteArea(call, *id);
  }
  constexpr std::string_view kTokens = "/api/v1/tokens/";
  if (path.starts_with(kTokens) && method == "DELETE") {
    return DeleteToken(call, path.substr(kTokens.size()));
  }
  return Error(404, "not_found", "no such route");
}

net::HttpResponse ApiService::Static(const net::HttpRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    return Error(405, "method_not_allowed", "the web page is read only");
  }
  std::string relative = request.path == "/" ? "index.html" : request.path.substr(1);
  // No way out of the web root: no "..", no backslashes, no NUL.
  if (relative.find("..") != std::string::npos || relative.find('\\') != std::string::npos ||
      relative.find('\0') != std::string::npos) {
    return Error(404, "not_found", "no such file");
  }
  if (!context_.web_root.empty()) {
    const std::filesystem::path file = std::filesystem::path(context_.web_root) / relative;
    std::ifstream in(file, std::ios::binary);
    if (in && std::filesystem::is_regular_file(file)) {
      std::ostringstream bytes;
      bytes << in.rdbuf();
      net::HttpResponse response;
      response.content_type = ContentTypeOf(file);
      response.body = bytes.str();
      response.headers.emplace_back("Cache-Control", relative == "index.html"
                                                         ? "no-cache"
                                                         : "public, max-age=3600");
      return response;
    }
  }
  if (relative == "index.html") {
    net::HttpResponse response;
    response.content_type = "text/html; charset=utf-8";
    response.body = std::string(kNoWebPage);
    return response;
  }
  return Error(404, "not_found", "no such file");
}

net::HttpResponse ApiService::Login(const net::HttpRequest& request) {
  const Timestamp now = context_.clock->Now();
  const std::string what = request.method + " " + request.path;
  if (request.method != "POST") return Error(405, "method_not_allowed", "POST a JSON object");
  auto body = BodyObject(request);
  std::string user;
  std::string password;
  if (body.ok() && body->contains("username") && (*body)["username"].is_string() &&
      body->contains("password") && (*body)["password"].is_string()) {
    user = (*body)["username"].get<std::string>();
    password = (*body)["password"].get<std::string>();
  } else {
    context_.audit->Decision(now, "anonymous@" + request.peer, what, {}, false,
                             "login: malformed request");
    return Error(400, "bad_request", "expected {\"username\": ..., \"password\": ...}");
  }
  const std::string basic = "Basic " + Base64(user + ":" + password);
  auto principal = context_.accounts->Authenticate(Credentials{basic, {}, now});
  if (!principal.ok()) {
    context_.audit->Decision(now, "anonymous@" + request.peer, what, {}, false,
                             principal.error().message());
    return Error(401, "unauthenticated", "wrong user name or password");
  }
  const auto audience = AudienceOf(*principal);
  auto token = context_.accounts->IssueToken(principal->user, context_.session_lifetime,
                                             "login session", now);
  if (!audience || !token.ok()) {
    context_.audit->Decision(now, principal->user, what, {}, false,
                             audience ? token.error().message() : "no audience");
    return Error(403, "forbidden", "no session can be opened for this user");
  }
  const TokenRecord& r = token->record;
  const Status stored = context_.store->PutToken(
      {r.id, r.secret_hash, r.user, r.description, r.created, r.expires, r.revoked});
  if (!stored.ok()) log::Warning("login {}: token not stored: {}", r.user, stored.message());
  context_.audit->Decision(now, principal->user, what, {}, true, "login session " + r.id);
  return JsonResponse(200, Json{{"token", token->secret},
                                {"expires", r.expires.ToIso8601()},
                                {"user", principal->user},
                                {"role", RoleName(principal->role)},
                                {"audience", context_.audiences[*audience].name}});
}

net::HttpResponse ApiService::Picture(Call& call, bool is_export) {
  std::optional<BoundingBox> box;
  std::optional<Polygon> polygon;
  if (auto text = Param(call.query, "bbox")) {
    auto parsed = ParseBoundingBox(*text);
    if (!parsed.ok()) return Error(400, "bad_request", parsed.error().message());
    box = *parsed;
  }
  if (auto text = Param(call.query, "polygon")) {
    auto parsed = ParsePolygon(*text);
    if (!parsed.ok()) return Error(400, "bad_request", parsed.error().message());
    polygon = std::move(parsed).value();
  }
  auto filter = ParseTrackFilter(call.query);
  if (!filter.ok()) return Error(400, "bad_request", filter.error().message());
  const std::string format_name =
      Param(call.query, "format").value_or(is_export ? "geojson" : "json");
  const auto latest = context_.hub->Latest(call.audience);
  model::Picture selected;
  selected.time = latest->picture.time;
  // The audience's picture is what it may see; the filters only take tracks away from it.
  for (const model::FusedTrack& t : latest->picture.tracks) {
    const double lat = t.position.latitude_deg;
    const double lon = t.position.longitude_deg;
    if (box && !box->Contains(lat, lon)) continue;
    if (polygon && !polygon->Contains(lat, lon)) continue;
    if (!filter->Keeps(t)) continue;
    selected.tracks.push_back(t);
    call.Released(t.label);
  }
  net::HttpResponse response;
  if (format_name == "json") {
    std::string body = fmt::format("{{\"time\":{},\"audience\":", UnixMillis(selected.time));
    model::AppendJsonString(body, context_.audiences[call.audience].name);
    body += fmt::format(",\"count\":{},\"tracks\":[", selected.tracks.size());
    for (size_t i = 0; i < selected.tracks.size(); ++i) {
      if (i) body += ',';
      AppendCompactTrack(body, selected.tracks[i]);
    }
    body += "]}";
    response.body = std::move(body);
    return response;
  }
  if (format_name == "canonical") {
    response.body = model::PictureToJson(selected);
    return response;
  }
  auto format = ParseExportFormat(format_name);
  if (!format.ok()) return Error(400, "bad_request", format.error().message());
  ExportContext context{context_.node_name, call.now, 60};
  response.body = ExportPicture(selected, *format, context);
  response.content_type = std::string(ContentType(*format));
  if (is_export) {
    response.headers.emplace_back(
        "Content-Disposition",
        fmt::format("attachment; filename=\"biac-picture.{}\"", FileExtension(*format)));
  }
  return response;
}

net::HttpResponse ApiService::Track(Call& call, uint64_t id) {
  const auto latest = context_.hub->Latest(call.audience);
  const model::FusedTrack* track = latest->Find(id);
  if (track == nullptr) return Error(404, "not_found", "no such track in your picture");
  call.Released(track->label);
  const labels::User& user = context_.audiences[call.audience].user;
  Json observations = Json::array();
  size_t withheld = 0;
  std::vector<uint64_t> ids(track->provenance.begin(), track->provenance.end());
  auto stored = context_.store->ObservationsById(ids);
  if (stored.ok()) {
    for (const model::Observation& o : *stored) {
      // Defence in depth: the audience's engine was only given what it may see.
      if (!labels::Permits(user, o.label)) {
        ++withheld;
        continue;
      }
      call.Released(o.label);
      Json entry{{"id", o.id},
                 {"time", o.time.ToIso8601()},
                 {"source", o.source},
                 {"kind", model::ObservationKindName(o.kind)},
                 {"label", labels::Render(o.label)}};
      if (!o.sensor.empty()) entry["sensor"] = o.sensor;
      observations.push_back(std::move(entry));
    }
  }
  Json provenance{{"sources", track->sources},
                  {"updates", track->updates},
                  {"observation_ids", track->provenance},
                  {"observations", std::move(observations)}};
  if (withheld != 0) provenance["withheld"] = withheld;
  if (!stored.ok()) provenance["store_error"] = stored.error().message();
  std::string body = "{\"track\":";
  body += model::FusedTrackToJson(*track);
  body += ",\"summary\":";
  AppendCompactTrack(body, *track);
  body += ",\"provenance\":";
  body += provenance.dump();
  body += '}';
  net::HttpResponse response;
  response.body = std::move(body);
  return response;
}

net::HttpResponse ApiService::History(Call& call, uint64_t id) {
  Timestamp from = Timestamp::FromNanos(0);
  Timestamp to = call.now;
  if (auto text = Param(call.query, "from")) {
    auto t = ParseTime("from", *text);
    if (!t.ok()) return Error(400, "bad_request", t.error().message());
    from = *t;
  }
  if (auto text = Param(call.query, "to")) {
    auto t = ParseTime("to", *text);
    if (!t.ok()) return Error(400, "bad_request", t.error().message());
    to = *t;
  }
  auto states = context_.store->History(context_.audiences[call.audience].name, id, from, to,
                                        kHistoryLimit);
  if (!states.ok()) return Error(500, "store_error", states.error().message());
  std::string body = fmt::format("{{\"track\":{},\"states\":[", id);
  for (size_t i = 0; i < states->size(); ++i) {
    if (i) body += ',';
    call.Released((*states)[i].label);
    AppendCompactTrack(body, (*states)[i]);
  }
  body += "]}";
  net::HttpResponse response;
  response.body = std::move(body);
  return response;
}

net::HttpResponse ApiService::Replay(Call& call) {
  const auto from_text = Param(call.query, "from");
  const auto to_text = Param(call.query, "to");
  if (!from_text || !to_text) return Error(400, "bad_request", "from and to are required");
  auto from = ParseTime("from", *from_text);
  auto to = ParseTime("to", *to_text);
  if (!from.ok()) return Error(400, "bad_request", from.error().message());
  if (!to.ok()) return Error(400, "bad_request", to.error().message());
  std::optional<BoundingBox> box;
  if (auto text = Param(call.query, "bbox")) {
    auto parsed = ParseBoundingBox(*text);
    if (!parsed.ok()) return Error(400, "bad_request", parsed.error().message());
    box = *parsed;
  }
  auto states = context_.store->HistoryWindow(context_.audiences[call.audience].name, *from, *to,
                                              kReplayLimit);
  if (!states.ok()) return Error(500, "store_error", states.error().message());
  std::string body = fmt::format("{{\"from\":{},\"to\":{},\"states\":[", UnixMillis(*from),
                                 UnixMillis(*to));
  bool first = true;
  for (const model::FusedTrack& t : *states) {
    if (box && !box->Contains(t.position.latitude_deg, t.position.longitude_deg)) continue;
    if (!first) body += ',';
    first = false;
    call.Released(t.label);
    AppendCompactTrack(body, t);
  }
  body += fmt::format("],\"truncated\":{}}}", states->size() >= kReplayLimit);
  net::HttpResponse response;
  response.body = std::move(body);
  return response;
}

net::HttpResponse ApiService::Search(Call& call) {
  const std::string q = Lower(Param(call.query, "q").value_or(""));
  if (q.empty()) return Error(400, "bad_request", "q is required");
  const auto latest = context_.hub->Latest(call.audience);
  uint64_t number = 0;
  const bool numeric =
      std::from_chars(q.data(), q.data() + q.size(), number).ptr == q.data() + q.size();
  uint32_t icao = 0;
  const bool hex = q.size() == 6 && std::from_chars(q.data(), q.data() + q.size(), icao, 16).ptr ==
                                        q.data() + q.size();
  std::string body = "{\"query\":";
  model::AppendJsonString(body, q);
  body += ",\"tracks\":[";
  size_t found = 0;
  for (const model::FusedTrack& t : latest->picture.tracks) {
    const model::TrackIdentity& id = t.identity;
    bool match = false;
    if (numeric) {
      match = t.id == number || (id.mmsi && *id.mmsi == number) ||
              std::any_of(id.track_numbers.begin(), id.track_numbers.end(),
                          [&](const model::SourceTrackNumber& n) { return n.number == number; });
    }
    if (!match && hex) match = id.icao_address && *id.icao_address == icao;
    if (!match && !q.empty()) {
      match = (!id.callsign.empty() && Lower(id.callsign).find(q) != std::string::npos) ||
              (!id.name.empty() && Lower(id.name).find(q) != std::string::npos);
    }
    if (!match) continue;
    if (found++) body += ',';
    call.Released(t.label);
    AppendCompactTrack(body, t);
    if (found == kSearchLimit) break;
  }
  body += "]}";
  net::HttpResponse response;
  response.body = std::move(body);
  return response;
}

net::HttpResponse ApiService::Alerts(Call& call) {
  Timestamp since = Timestamp::FromNanos(0);
  if (auto text = Param(call.query, "since")) {
    auto t = ParseTime("since", *text);
    if (!t.ok()) return Error(400, "bad_request", t.error().message());
    since = *t;
  }
  auto rows = context_.store->ListAlerts(context_.audiences[call.audience].name, since,
                                         kAlertLimit);
  if (!rows.ok()) return Error(500, "store_error", rows.error().message());
  Json alerts = Json::array();
  const labels::User& user = context_.audiences[call.audience].user;
  for (const auto& row : *rows) {
    auto label = labels::Parse(row.label);
    if (!label.ok() || !labels::Permits(user, *label)) continue;
    call.Released(*label);
    Json details = Json::parse(row.json, nullptr, false);
    alerts.push_back(Json{{"id", row.id},
                          {"time", row.time.ToIso8601()},
                          {"kind", row.kind},
                          {"label", row.label},
                          {"details", details.is_discarded() ? Json(row.json) : details}});
  }
  return JsonResponse(200, Json{{"alerts", std::move(alerts)}});
}

net::HttpResponse ApiService::Areas(Call& call) {
  const labels::User& user = context_.audiences[call.audience].user;
  if (call.request.method == "POST") {
    auto body = BodyObject(call.request);
    if (!body.ok()) return Error(400, "bad_request", body.error().message());
    const Json& b = *body;
    if (!b.contains("name") || !b["name"].is_string() || !b.contains("geometry") ||
        !b["geometry"].is_object() || !b["geometry"].contains("type") ||
        !b["geometry"]["type"].is_string()) {
      return Error(400, "bad_request",
                   "expected {\"name\": S, \"geometry\": GeoJSON Polygon or Point+radius_m}");
    }
    const std::string type = b["geometry"]["type"].get<std::string>();
    if (type != "Polygon" && type != "Point") {
      return Error(400, "bad_request", "geometry.type must be Polygon or Point (a circle)");
    }
    std::string label_text = b.value("label", std::string("UNCLASSIFIED"));
    auto label = labels::Parse(label_text);
    if (!label.ok()) return Error(400, "bad_request", "label: " + label.error().message());
    if (!labels::Permits(user, *label)) {
      call.reason = "area label above the user's authorizations";
      return Error(403, "forbidden", "you may not create an area under that label");
    }
    storage::Store::AreaRow row;
    row.name = b["name"].get<std::string>();
    row.owner = call.principal.user;
    row.geometry_json = b["geometry"].dump();
    if (b.contains("radius_m")) {
      Json geometry = b["geometry"];
      geometry["radius_m"] = b["radius_m"];
      row.geometry_json = geometry.dump();
    }
    row.label = labels::Render(*label);
    row.created = call.now;
    auto id = context_.store->AddArea(row);
    if (!id.ok()) return Error(500, "store_error", id.error().message());
    call.Released(*label);
    return JsonResponse(201, Json{{"id", *id}, {"name", row.name}, {"label", row.label}});
  }
  auto rows = context_.store->ListAreas("");
  if (!rows.ok()) return Error(500, "store_error", rows.error().message());
  Json areas = Json::array();
  for (const auto& row : *rows) {
    auto label = labels::Parse(row.label);
    if (!label.ok() || !labels::Permits(user, *label)) continue;
    call.Released(*label);
    areas.push_back(Json{{"id", row.id},
                         {"name", row.name},
                         {"owner", row.owner},
                         {"label", row.label},
                         {"created", row.created.ToIso8601()},
                         {"geometry", Json::parse(row.geometry_json, nullptr, false)}});
  }
  return JsonResponse(200, Json{{"areas", std::move(areas)}});
}

net::HttpResponse ApiService::DeleteArea(Call& call, uint64_t id) {
  auto rows = context_.store->ListAreas("");
  if (!rows.ok()) return Error(500, "store_error", rows.error().message());
  for (const auto& row : *rows) {
    if (row.id != id) continue;
    if (row.owner != call.principal.user && !call.admin()) {
      call.reason = "not the area's owner";
      return Error(403, "forbidden", "only the owner or an administrator may delete an area");
    }
    const Status s = context_.store->DeleteArea(id);
    if (!s.ok()) return Error(500, "store_error", s.message());
    return JsonResponse(200, Json{{"deleted", id}});
  }
  return Error(404, "not_found", "no such area");
}

net::HttpResponse ApiService::Users(Call& call) {
  if (!call.admin()) {
    call.reason = "administrators only";
    return Error(403, "forbidden", "administrators only");
  }
  if (call.request.method == "POST") {
    auto body = BodyObject(call.request);
    if (!body.ok()) return Error(400, "bad_request", body.error().message());
    const Json& b = *body;
    Account account;
    account.name = b.value("name", std::string());
    auto role = ParseRole(b.value("role", std::string("analyst")));
    if (!role.ok()) return Error(400, "bad_request", role.error().message());
    account.role = *role;
    const std::string audience_name = b.value("audience", std::string());
    const auto audience =
        std::find_if(context_.audiences.begin(), context_.audiences.end(),
                     [&](const AudienceProfile& a) { return a.name == audience_name; });
    if (audience == context_.audiences.end()) {
      return Error(400, "bad_request", "audience: not one of the node's audiences");
    }
    account.profile = audience->user;
    account.certificate_subject = b.value("certificate_subject", std::string());
    const std::string password = b.value("password", std::string());
    if (!password.empty()) {
      auto hash = HashPassword(password, DefaultPasswordCost());
      if (!hash.ok()) return Error(400, "bad_request", hash.error().message());
      account.password_hash = *hash;
    }
    const Status added = context_.accounts->Add(account);
    if (!added.ok()) return Error(400, "bad_request", added.message());
    const Status stored = context_.store->PutAccount(
        {account.name, std::string(RoleName(account.role)), labels::UserToJson(account.profile),
         account.password_hash, account.certificate_subject, account.disabled});
    if (!stored.ok()) return Error(500, "store_error", stored.message());
    return JsonResponse(201, Json{{"name", account.name}, {"audience", audience_name}});
  }
  Json users = Json::array();
  for (const Account& a : context_.accounts->List()) {
    std::string audience;
    for (const auto& p : context_.audiences) {
      if (p.user == a.profile) {
        audience = p.name;
        break;
      }
    }
    users.push_back(Json{{"name", a.name},
                         {"role", RoleName(a.role)},
                         {"audience", audience},
                         {"certificate_subject", a.certificate_subject},
                         {"password", !a.password_hash.empty()},
                         {"disabled", a.disabled}});
  }
  return JsonResponse(200, Json{{"users", std::move(users)}});
}

net::HttpResponse ApiService::Tokens(Call& call) {
  if (call.request.method == "POST") {
    auto body = BodyObject(call.request);
    if (!body.ok()) return Error(400, "bad_request", body.error().message());
    const double hours = body->value("lifetime_hours", 24.0);
    if (!(hours > 0 && hours <= kMaxTokenLifetimeHours)) {
      return Error(400, "bad_request", "lifetime_hours must be within (0, 8760]");
    }
    const auto lifetime =
        std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::ratio<3600>>(hours));
    auto token = context_.accounts->IssueToken(call.principal.user, lifetime,
                                               body->value("description", std::string()), call.now);
    if (!token.ok()) return Error(400, "bad_request", token.error().message());
    const TokenRecord& r = token->record;
    const Status stored = context_.store->PutToken(
        {r.id, r.secret_hash, r.user, r.description, r.created, r.expires, r.revoked});
    if (!stored.ok()) return Error(500, "store_error", stored.message());
    return JsonResponse(201, Json{{"token", token->secret},
                                  {"id", r.id},
                                  {"expires", r.expires.ToIso8601()}});
  }
  Json tokens = Json::array();
  for (const TokenRecord& r : context_.accounts->Tokens()) {
    if (r.user != call.principal.user && !call.admin()) continue;
    tokens.push_back(Json{{"id", r.id},
                          {"user", r.user},
                          {"description", r.description},
                          {"created", r.created.ToIso8601()},
                          {"expires", r.expires.ToIso8601()},
                          {"revoked", r.revoked}});
  }
  return JsonResponse(200, Json{{"tokens", std::move(tokens)}});
}

net::HttpResponse ApiService::DeleteToken(Call& call, const std::string& id) {
  for (const TokenRecord& r : context_.accounts->Tokens()) {
    if (r.id != id) continue;
    if (r.user != call.principal.user && !call.admin()) break;  // as if unknown
    const Status revoked = context_.accounts->Revoke(id);
    if (!revoked.ok()) return Error(404, "not_found", revoked.message());
    const Status stored = context_.store->RevokeToken(id);
    if (!stored.ok()) log::Warning("token {}: revocation not stored: {}", id, stored.message());
    return JsonResponse(200, Json{{"revoked", id}});
  }
  return Error(404, "not_found", "no such token");
}

std::unique_ptr<net::WebSocketHandler> ApiService::Upgrade(
    const net::HttpRequest& request, std::shared_ptr<net::WebSocketSession> session,
    net::HttpResponse& refusal) {
  const Timestamp now = context_.clock->Now();
  const std::string what = "WEBSOCKET " + request.target;
  if (request.path != "/api/v1/stream") {
    refusal = Error(404, "not_found", "no such stream");
    return nullptr;
  }
  const Query query = ParseQuery(request.query);
  // Browsers cannot set headers on a WebSocket: a token may come as ?access_token= (RFC 6750
  // §2.3), sent only over TLS.
  std::string authorization;
  if (const std::string* header = request.Header("authorization")) {
    authorization = *header;
  } else if (auto token = Param(query, "access_token")) {
    authorization = "Bearer " + *token;
  }
  auto principal =
      context_.accounts->Authenticate(Credentials{authorization, request.client_subject, now});
  if (!principal.ok()) {
    context_.audit->Decision(now, "anonymous@" + request.peer, what, {}, false,
                             principal.error().message());
    refusal = Error(401, "unauthenticated", "credentials required");
    return nullptr;
  }
  const auto audience = AudienceOf(*principal);
  BoundingBox box;
  if (auto text = Param(query, "bbox")) {
    auto parsed = ParseBoundingBox(*text);
    if (!parsed.ok()) {
      context_.audit->Decision(now, principal->user, what, {}, false, parsed.error().message());
      refusal = Error(400, "bad_request", parsed.error().message());
      return nullptr;
    }
    box = *parsed;
  }
  if (!audience) {
    context_.audit->Decision(now, principal->user, what, {}, false, "no audience");
    refusal = Error(403, "forbidden", "no picture is configured for this user");
    return nullptr;
  }
  const bool binary = Param(query, "encoding").value_or("json") == "binary";
  context_.audit->Decision(now, principal->user, what, {}, true,
                           "stream of audience " + context_.audiences[*audience].name);
  return context_.streamer->Add(std::move(session), *audience, principal->user, box, binary);
}

}  // namespace biac::api
