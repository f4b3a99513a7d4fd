#include "biac/sim/scenario_toml.h"

#include <toml++/toml.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <numbers>
#include <optional>
#include <sstream>
#include <string>

#include "biac/base/number_format.h"
#include "biac/sim/simulation.h"

namespace biac::sim {
namespace {

constexpr double kDegree = std::numbers::pi / 180.0;

// Builds messages "<source>:<line>: <path>: <reason>" and reads typed values.
class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  Status Error(const toml::node* node, const std::string& path, const std::string& reason) const {
    std::string message(source_);
    if (node != nullptr && node->source().begin.line > 0) {
      message += ":" + std::to_string(node->source().begin.line);
    }
    message += ": " + path + ": " + reason;
    return InvalidArgument(std::move(message));
  }

  Status CheckKeys(const toml::table& table, const std::string& path,
                   std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, node] : table) {
      bool known = false;
      for (std::string_view a : allowed) known = known || key.str() == a;
      if (!known) {
        return Error(&node, Join(path, std::string(key.str())), "unknown key");
      }
    }
    return Status::Ok();
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  // A number (integer or float) that must be finite.
  Result<double> Number(const toml::node& node, const std::string& path) const {
    if (const auto* f = node.as_floating_point()) {
      if (!std::isfinite(f->get())) return Error(&node, path, "must be finite");
      return f->get();
    }
    if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
    return Error(&node, path, "must be a number");
  }

  Result<std::optional<double>> OptionalNumber(const toml::table& table, const std::string& path,
                                               std::string_view key) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::optional<double>();
    BIAC_ASSIGN_OR_RETURN(double v, Number(*node, Join(path, std::string(key))));
    return std::optional<double>(v);
  }

  // A required number checked against [lo, hi] (open at lo when lo_open).
  Result<double> RequiredNumber(const toml::table& table, const std::string& path,
                                std::string_view key) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return Error(&table, Join(path, std::string(key)), "missing");
    return Number(*node, Join(path, std::string(key)));
  }

  Status CheckRange(const toml::table& table, const std::string& path, std::string_view key,
                    double value, double lo, double hi, bool lo_open) const {
    if ((lo_open ? value > lo : value >= lo) && value <= hi) return Status::Ok();
    std::string bound = lo_open ? "> " + FormatShortest(lo) : ">= " + FormatShortest(lo);
    if (std::isfinite(hi)) {
      bound = std::string("in ") + (lo_open ? "(" : "[") + FormatShortest(lo) + ", " +
              FormatShortest(hi) + "]";
    }
    return Error(table.get(key), Join(path, std::string(key)),
                 "must be " + bound + ", got " + FormatShortest(value));
  }

  Result<std::vector<double>> Numbers(const toml::node& node, const std::string& path,
                                      std::size_t count) const {
    const toml::array* array = node.as_array();
    if (array == nullptr || array->size() != count) {
      return Error(&node, path, "must be an array of " + std::to_string(count) + " numbers");
    }
    std::vector<double> out;
    for (std::size_t i = 0; i < count; ++i) {
      BIAC_ASSIGN_OR_RETURN(double v, Number(*array->get(i), path + "[" + std::to_string(i) + "]"));
      out.push_back(v);
    }
    return out;
  }

  Result<Eigen::Vector3d> Vector(const toml::node& node, const std::string& path,
                                 int dimensions) const {
    BIAC_ASSIGN_OR_RETURN(std::vector<double> v, Numbers(node, path, dimensions));
    return Eigen::Vector3d(v[0], v[1], dimensions == 3 ? v[2] : 0.0);
  }

  Result<std::string> String(const toml::node& node, const std::string& path) const {
    const auto* s = node.as_string();
    if (s == nullptr) return Error(&node, path, "must be a string");
    return s->get();
  }

 private:
  std::string_view source_;
};

Result<MotionSegment> ReadSegment(const Reader& r, const toml::node& node, const std::string& path,
                                  int dims) {
  const toml::table* t = node.as_table();
  if (t == nullptr) return r.Error(&node, path, "must be a table");
  BIAC_RETURN_IF_ERROR(
      r.CheckKeys(*t, path, {"model", "duration", "turn_rate_deg", "acceleration"}));
  MotionSegment s;
  const toml::node* model = t->get("model");
  if (model == nullptr) return r.Error(t, path + ".model", "missing (cv, ct or ca)");
  BIAC_ASSIGN_OR_RETURN(std::string name, r.String(*model, path + ".model"));
  BIAC_ASSIGN_OR_RETURN(s.duration, r.RequiredNumber(*t, path, "duration"));
  BIAC_RETURN_IF_ERROR(r.CheckRange(*t, path, "duration", s.duration, 0.0, INFINITY, true));
  const toml::node* rate = t->get("turn_rate_deg");
  const toml::node* accel = t->get("acceleration");
  if (name == "cv") {
    s.kind = MotionKind::kConstantVelocity;
  } else if (name == "ct") {
    s.kind = MotionKind::kCoordinatedTurn;
    if (rate == nullptr) return r.Error(t, path + ".turn_rate_deg", "missing (ct needs it)");
    BIAC_ASSIGN_OR_RETURN(double deg, r.Number(*rate, path + ".turn_rate_deg"));
    s.turn_rate = deg * kDegree;
  } else if (name == "ca") {
    s.kind = MotionKind::kConstantAcceleration;
    if (accel == nullptr) return r.Error(t, path + ".acceleration", "missing (ca needs it)");
    BIAC_ASSIGN_OR_RETURN(s.acceleration, r.Vector(*accel, path + ".acceleration", dims));
  } else {
    return r.Error(model, path + ".model",
                   "must be \"cv\", \"ct\" or \"ca\", got \"" + name + "\"");
  }
  if (rate != nullptr && s.kind != MotionKind::kCoordinatedTurn) {
    return r.Error(rate, path + ".turn_rate_deg", "only allowed with model = \"ct\"");
  }
  if (accel != nullptr && s.kind != MotionKind::kConstantAcceleration) {
    return r.Error(accel, path + ".acceleration", "only allowed with model = \"ca\"");
  }
  return s;
}

Result<TargetSpec> ReadTarget(const Reader& r, const toml::table& t, const std::string& path,
                              int dims, std::int32_t default_id) {
  BIAC_RETURN_IF_ERROR(r.CheckKeys(t, path,
                                   {"id", "start_time", "process_noise", "position", "velocity",
                                    "segments", "waypoints", "speed", "speeds"}));
  TargetSpec target;
  target.id = default_id;
  if (const toml::node* id = t.get("id")) {
    const auto* i = id->as_integer();
    if (i == nullptr || i->get() < 0 || i->get() > INT32_MAX) {
      return r.Error(id, path + ".id", "must be an integer in [0, 2147483647]");
    }
    target.id = static_cast<std::int32_t>(i->get());
  }
  BIAC_ASSIGN_OR_RETURN(auto start, r.OptionalNumber(t, path, "start_time"));
  target.start_time = start.value_or(0.0);
  BIAC_RETURN_IF_ERROR(
      r.CheckRange(t, path, "start_time", target.start_time, 0.0, INFINITY, false));
  BIAC_ASSIGN_OR_RETURN(auto noise, r.OptionalNumber(t, path, "process_noise"));
  target.process_noise = noise.value_or(0.0);
  BIAC_RETURN_IF_ERROR(
      r.CheckRange(t, path, "process_noise", target.process_noise, 0.0, INFINITY, false));

  const toml::node* segments = t.get("segments");
  const toml::node* waypoints = t.get("waypoints");
  if ((segments == nullptr) == (waypoints == nullptr)) {
    return r.Error(&t, path, "give exactly one of 'segments' or 'waypoints'");
  }
  if (segments != nullptr) {
    for (const char* key : {"speed", "speeds"}) {
      if (t.get(key) != nullptr) {
        return r.Error(t.get(key), path + "." + key, "only allowed with waypoints");
      }
    }
    for (const char* key : {"position", "velocity"}) {
      const toml::node* node = t.get(key);
      if (node == nullptr) return r.Error(&t, path + "." + key, "missing");
    }
    BIAC_ASSIGN_OR_RETURN(target.position, r.Vector(*t.get("position"), path + ".position", dims));
    BIAC_ASSIGN_OR_RETURN(target.velocity, r.Vector(*t.get("velocity"), path + ".velocity", dims));
    const toml::array* list = segments->as_array();
    if (list == nullptr || list->empty()) {
      return r.Error(segments, path + ".segments", "must be a non-empty array of tables");
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      BIAC_ASSIGN_OR_RETURN(
          MotionSegment s,
          ReadSegment(r, *list->get(i), path + ".segments[" + std::to_string(i) + "]", dims));
      target.segments.push_back(s);
    }
    return target;
  }

  for (const char* key : {"position", "velocity"}) {
    if (t.get(key) != nullptr) {
      return r.Error(t.get(key), path + "." + key, "not allowed with waypoints");
    }
  }
  const toml::array* list = waypoints->as_array();
  if (list == nullptr || list->size() < 2) {
    return r.Error(waypoints, path + ".waypoints", "must be an array of at least 2 points");
  }
  std::vector<Eigen::Vector3d> points;
  for (std::size_t i = 0; i < list->size(); ++i) {
    BIAC_ASSIGN_OR_RETURN(
        Eigen::Vector3d p,
        r.Vector(*list->get(i), path + ".waypoints[" + std::to_string(i) + "]", dims));
    points.push_back(p);
  }
  const std::size_t legs = points.size() - 1;
  std::vector<double> speeds;
  const toml::node* speed = t.get("speed");
  const toml::node* speed_list = t.get("speeds");
  if ((speed == nullptr) == (speed_list == nullptr)) {
    return r.Error(&t, path, "waypoints need exactly one of 'speed' or 'speeds'");
  }
  if (speed != nullptr) {
    BIAC_ASSIGN_OR_RETURN(double v, r.Number(*speed, path + ".speed"));
    BIAC_RETURN_IF_ERROR(r.CheckRange(t, path, "speed", v, 0.0, INFINITY, true));
    speeds.assign(legs, v);
  } else {
    BIAC_ASSIGN_OR_RETURN(speeds, r.Numbers(*speed_list, path + ".speeds", legs));
    for (std::size_t i = 0; i < legs; ++i) {
      if (!(speeds[i] > 0.0)) {
        return r.Error(speed_list, path + ".speeds[" + std::to_string(i) + "]",
                       "must be > 0, got " + FormatShortest(speeds[i]));
      }
    }
  }
  target.position = points[0];
  for (std::size_t i = 0; i < legs; ++i) {
    const Eigen::Vector3d leg = points[i + 1] - points[i];
    const double length = leg.norm();
    if (!(length > 0.0)) {
      return r.Error(list->get(i + 1), path + ".waypoints[" + std::to_string(i + 1) + "]",
                     "repeats the previous waypoint");
    }
    MotionSegment s;
    s.kind = MotionKind::kConstantVelocity;
    s.duration = length / speeds[i];
    s.sets_velocity = true;
    s.velocity = leg * (speeds[i] / length);
    target.segments.push_back(s);
  }
  target.velocity = target.segments[0].velocity;
  return target;
}

Result<std::pair<double, double>> ReadInterval(const Reader& r, const toml::node& node,
                                               const std::string& path, double scale) {
  BIAC_ASSIGN_OR_RETURN(std::vector<double> v, r.Numbers(node, path, 2));
  if (!(v[0] < v[1])) return r.Error(&node, path, "must be [min, max] with min < max");
  return std::make_pair(v[0] * scale, v[1] * scale);
}

Result<SensorSpec> ReadSensor(const Reader& r, const toml::table& t, const std::string& path,
                              int dims, double default_period) {
  SensorSpec s;
  const toml::node* kind = t.get("kind");
  if (kind == nullptr)
    return r.Error(&t, path + ".kind", "missing (position, radar or angle_only)");
  BIAC_ASSIGN_OR_RETURN(std::string kind_name, r.String(*kind, path + ".kind"));
  if (kind_name == "position") {
    s.kind = SensorKind::kPosition;
  } else if (kind_name == "radar") {
    s.kind = SensorKind::kRadar;
  } else if (kind_name == "angle_only") {
    s.kind = SensorKind::kAngleOnly;
  } else {
    return r.Error(kind, path + ".kind",
                   "must be \"position\", \"radar\" or \"angle_only\", got \"" + kind_name + "\"");
  }
  if (const toml::node* rr = t.get("range_rate"); rr != nullptr && s.kind == SensorKind::kRadar) {
    const auto* b = rr->as_boolean();
    if (b == nullptr) return r.Error(rr, path + ".range_rate", "must be true or false");
    s.range_rate = b->get();
  }
  s.components = MeasurementComponents(s.kind, dims, s.range_rate);

  // Per component: the sigma key, the clutter key and the factor from TOML units to SI.
  struct ComponentKeys {
    const char* sigma;
    const char* clutter;
    double scale;
  };
  auto keys_of = [](Component c) -> ComponentKeys {
    switch (c) {
      case Component::kX:
        return {nullptr, "clutter_x", 1.0};
      case Component::kY:
        return {nullptr, "clutter_y", 1.0};
      case Component::kZ:
        return {nullptr, "clutter_z", 1.0};
      case Component::kRange:
        return {"range_sigma", "clutter_range", 1.0};
      case Component::kBearing:
        return {"bearing_sigma_deg", "clutter_bearing_deg", kDegree};
      case Component::kElevation:
        return {"elevation_sigma_deg", "clutter_elevation_deg", kDegree};
      case Component::kRangeRate:
        return {"range_rate_sigma", "clutter_range_rate", 1.0};
    }
    return {nullptr, nullptr, 1.0};
  };
  std::vector<std::string_view> allowed = {"name",   "kind",  "pd",
                                           "period", "phase", "clutter_density"};
  if (s.kind == SensorKind::kPosition) {
    allowed.push_back("sigma");
  } else {
    allowed.push_back("position");
  }
  if (s.kind == SensorKind::kRadar) allowed.push_back("range_rate");
  for (Component c : s.components) {
    const ComponentKeys k = keys_of(c);
    if (k.sigma != nullptr) allowed.push_back(k.sigma);
    allowed.push_back(k.clutter);
  }
  for (const auto& [key, node] : t) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key.str() == a;
    if (!known) {
      return r.Error(
          &node, path + "." + std::string(key.str()),
          "unknown key for a " + kind_name + " sensor in " + std::to_string(dims) + "-D");
    }
  }

  const toml::node* name = t.get("name");
  if (name == nullptr) return r.Error(&t, path + ".name", "missing");
  BIAC_ASSIGN_OR_RETURN(s.name, r.String(*name, path + ".name"));
  if (s.name.empty() || s.name.find_first_of(",\"\n\r") != std::string::npos) {
    return r.Error(name, path + ".name", "must be non-empty without commas, quotes or newlines");
  }
  if (const toml::node* p = t.get("position")) {
    BIAC_ASSIGN_OR_RETURN(s.position, r.Vector(*p, path + ".position", dims));
  }
  BIAC_ASSIGN_OR_RETURN(auto pd, r.OptionalNumber(t, path, "pd"));
  s.detection_probability = pd.value_or(1.0);
  BIAC_RETURN_IF_ERROR(r.CheckRange(t, path, "pd", s.detection_probability, 0.0, 1.0, false));
  BIAC_ASSIGN_OR_RETURN(auto period, r.OptionalNumber(t, path, "period"));
  s.period = period.value_or(default_period);
  BIAC_RETURN_IF_ERROR(r.CheckRange(t, path, "period", s.period, 0.0, INFINITY, true));
  BIAC_ASSIGN_OR_RETURN(auto phase, r.OptionalNumber(t, path, "phase"));
  s.phase = phase.value_or(0.0);
  BIAC_RETURN_IF_ERROR(r.CheckRange(t, path, "phase", s.phase, 0.0, INFINITY, false));
  BIAC_ASSIGN_OR_RETURN(auto density, r.OptionalNumber(t, path, "clutter_density"));
  s.clutter_density = density.value_or(0.0);
  BIAC_RETURN_IF_ERROR(
      r.CheckRange(t, path, "clutter_density", s.clutter_density, 0.0, INFINITY, false));

  if (s.kind == SensorKind::kPosition) {
    const toml::node* sigma = t.get("sigma");
    if (sigma == nullptr) return r.Error(&t, path + ".sigma", "missing");
    BIAC_ASSIGN_OR_RETURN(std::vector<double> v, r.Numbers(*sigma, path + ".sigma", dims));
    for (int i = 0; i < dims; ++i) {
      if (!(v[i] >= 0.0)) return r.Error(sigma, path + ".sigma", "must be >= 0 on every axis");
      s.sigma[i] = v[i];
    }
  }
  for (int i = 0; i < s.Dim(); ++i) {
    const ComponentKeys k = keys_of(s.components[i]);
    if (k.sigma != nullptr) {
      BIAC_ASSIGN_OR_RETURN(double v, r.RequiredNumber(t, path, k.sigma));
      BIAC_RETURN_IF_ERROR(r.CheckRange(t, path, k.sigma, v, 0.0, INFINITY, false));
      s.sigma[i] = v * k.scale;
    }
    if (const toml::node* region = t.get(k.clutter)) {
      BIAC_ASSIGN_OR_RETURN(s.clutter_region[i],
                            ReadInterval(r, *region, path + "." + k.clutter, k.scale));
    } else if (s.clutter_density > 0.0) {
      return r.Error(&t, path + "." + k.clutter, "missing (clutter_density > 0 needs the region)");
    }
  }
  return s;
}

Result<Scenario> ReadScenario(const Reader& r, const toml::table& root) {
  BIAC_RETURN_IF_ERROR(
      r.CheckKeys(root, "", {"name", "seed", "dimensions", "time", "target", "sensor"}));
  Scenario scenario;
  if (const toml::node* name = root.get("name")) {
    BIAC_ASSIGN_OR_RETURN(scenario.name, r.String(*name, "name"));
  }
  if (const toml::node* seed = root.get("seed")) {
    const auto* i = seed->as_integer();
    if (i == nullptr || i->get() < 0) return r.Error(seed, "seed", "must be an integer >= 0");
    scenario.seed = static_cast<std::uint64_t>(i->get());
  }
  if (const toml::node* dims = root.get("dimensions")) {
    const auto* i = dims->as_integer();
    if (i == nullptr || (i->get() != 2 && i->get() != 3)) {
      return r.Error(dims, "dimensions", "must be 2 or 3");
    }
    scenario.dimensions = static_cast<int>(i->get());
  }
  const int dims = scenario.dimensions;

  const toml::node* time_node = root.get("time");
  if (time_node == nullptr) return r.Error(&root, "time", "missing (a table with step and scans)");
  const toml::table* time = time_node->as_table();
  if (time == nullptr) return r.Error(time_node, "time", "must be a table");
  BIAC_RETURN_IF_ERROR(r.CheckKeys(*time, "time", {"step", "scans", "duration"}));
  BIAC_ASSIGN_OR_RETURN(scenario.step, r.RequiredNumber(*time, "time", "step"));
  BIAC_RETURN_IF_ERROR(r.CheckRange(*time, "time", "step", scenario.step, 0.0, INFINITY, true));
  const toml::node* scans = time->get("scans");
  const toml::node* duration = time->get("duration");
  if ((scans == nullptr) == (duration == nullptr)) {
    return r.Error(time, "time", "give exactly one of 'scans' or 'duration'");
  }
  if (scans != nullptr) {
    const auto* i = scans->as_integer();
    if (i == nullptr || i->get() < 1 || i->get() > 100'000'000) {
      return r.Error(scans, "time.scans", "must be an integer in [1, 100000000]");
    }
    scenario.scans = static_cast<int>(i->get());
  } else {
    BIAC_ASSIGN_OR_RETURN(double d, r.Number(*duration, "time.duration"));
    BIAC_RETURN_IF_ERROR(
        r.CheckRange(*time, "time", "duration", d, 0.0, 1e8 * scenario.step, false));
    // Scans at 0, step, ... up to the duration (a duration within 1e-9 of a multiple counts).
    scenario.scans = static_cast<int>(std::floor(d / scenario.step + 1e-9)) + 1;
  }

  if (const toml::node* targets = root.get("target")) {
    const toml::array* list = targets->as_array();
    if (list == nullptr) return r.Error(targets, "target", "must be an array of tables [[target]]");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string path = "target[" + std::to_string(i) + "]";
      const toml::table* t = list->get(i)->as_table();
      if (t == nullptr) return r.Error(list->get(i), path, "must be a table");
      BIAC_ASSIGN_OR_RETURN(TargetSpec target,
                            ReadTarget(r, *t, path, dims, static_cast<std::int32_t>(i)));
      for (const TargetSpec& other : scenario.targets) {
        if (other.id == target.id) {
          return r.Error(t->get("id"), path + ".id",
                         "id " + std::to_string(target.id) + " is used twice");
        }
      }
      scenario.targets.push_back(std::move(target));
    }
  }
  if (const toml::node* sensors = root.get("sensor")) {
    const toml::array* list = sensors->as_array();
    if (list == nullptr) return r.Error(sensors, "sensor", "must be an array of tables [[sensor]]");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string path = "sensor[" + std::to_string(i) + "]";
      const toml::table* t = list->get(i)->as_table();
      if (t == nullptr) return r.Error(list->get(i), path, "must be a table");
      BIAC_ASSIGN_OR_RETURN(SensorSpec sensor, ReadSensor(r, *t, path, dims, scenario.step));
      for (const SensorSpec& other : scenario.sensors) {
        if (other.name == sensor.name) {
          return r.Error(t->get("name"), path + ".name", "'" + sensor.name + "' is used twice");
        }
      }
      scenario.sensors.push_back(std::move(sensor));
    }
  }
  const Status valid = ValidateScenario(scenario);
  if (!valid.ok()) return r.Error(nullptr, "scenario", valid.message());
  return scenario;
}

}  // namespace

Result<Scenario> ParseScenarioToml(std::string_view text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(std::string(source) + ":" + std::to_string(e.source().begin.line) + ":" +
                           std::to_string(e.source().begin.column) +
                           ": TOML syntax error: " + std::string(e.description()));
  }
  return ReadScenario(Reader(source), root);
}

Result<Scenario> LoadScenarioFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Unavailable("cannot read scenario file '" + path.string() + "': is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Unavailable("cannot read scenario file '" + path.string() +
                       "': " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return Unavailable("cannot read scenario file '" + path.string() + "': read error");
  }
  return ParseScenarioToml(text.str(), path.string());
}

}  // namespace biac::sim
