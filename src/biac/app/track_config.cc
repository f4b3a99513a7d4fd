#include "biac/app/track_config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace biac::app {
namespace {

class Reader {
 public:
  Reader(const toml::table& root, std::string source) : root_(root), source_(std::move(source)) {}

  Status Error(std::string_view table, std::string_view key, std::string_view reason) const {
    return InvalidArgument(fmt::format("{}: [{}] {}: {}", source_, table, key, reason));
  }

  // Checks that the tables and keys are all known.
  Status CheckKeys(const std::map<std::string, std::set<std::string>>& known) const {
    for (const auto& [name, node] : root_) {
      const std::string table(name.str());
      const auto it = known.find(table);
      if (it == known.end()) {
        return InvalidArgument(fmt::format("{}: unknown table or key '{}'", source_, table));
      }
      const toml::table* t = node.as_table();
      if (t == nullptr)
        return InvalidArgument(fmt::format("{}: '{}' must be a table", source_, table));
      for (const auto& [key, value] : *t) {
        if (!it->second.count(std::string(key.str()))) {
          return Error(table, key.str(), "unknown key");
        }
      }
    }
    return Status::Ok();
  }

  Status Number(std::string_view table, std::string_view key, double& out, double min, double max,
                bool min_inclusive = true) const {
    const toml::node* n = root_.at_path(fmt::format("{}.{}", table, key)).node();
    if (n == nullptr) return Status::Ok();
    std::optional<double> v = n->value<double>();
    if (!v || (!n->is_floating_point() && !n->is_integer()))
      return Error(table, key, "not a number");
    if (!(min_inclusive ? *v >= min : *v > min) || *v > max) {
      return Error(table, key, fmt::format("{} is outside [{}, {}]", *v, min, max));
    }
    out = *v;
    return Status::Ok();
  }

  Status Integer(std::string_view table, std::string_view key, int& out, int min, int max) const {
    const toml::node* n = root_.at_path(fmt::format("{}.{}", table, key)).node();
    if (n == nullptr) return Status::Ok();
    if (!n->is_integer()) return Error(table, key, "not an integer");
    const int64_t v = *n->value<int64_t>();
    if (v < min || v > max)
      return Error(table, key, fmt::format("{} is outside [{}, {}]", v, min, max));
    out = static_cast<int>(v);
    return Status::Ok();
  }

  Status Bool(std::string_view table, std::string_view key, bool& out) const {
    const toml::node* n = root_.at_path(fmt::format("{}.{}", table, key)).node();
    if (n == nullptr) return Status::Ok();
    if (!n->is_boolean()) return Error(table, key, "not true or false");
    out = *n->value<bool>();
    return Status::Ok();
  }

  Status Choice(std::string_view table, std::string_view key,
                const std::vector<std::string>& options, std::string& out) const {
    const toml::node* n = root_.at_path(fmt::format("{}.{}", table, key)).node();
    if (n == nullptr) return Status::Ok();
    if (!n->is_string()) return Error(table, key, "not a string");
    const std::string v = *n->value<std::string>();
    for (const auto& o : options) {
      if (o == v) {
        out = v;
        return Status::Ok();
      }
    }
    return Error(table, key, fmt::format("'{}' is not one of: {}", v, fmt::join(options, ", ")));
  }

 private:
  const toml::table& root_;
  std::string source_;
};

}  // namespace

Result<TrackConfig> ParseTrackConfig(const std::string& text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return InvalidArgument(
        fmt::format("{}:{}:{}: {}", source, where.line, where.column, e.description()));
  }
  const Reader r(root, source);
  BIAC_RETURN_IF_ERROR(r.CheckKeys({
      {"motion", {"model", "noise_diff_coeff", "singer_tau", "singer_sigma", "turn_rate_deg_s"}},
      {"measurement", {"sigma"}},
      {"association",
       {"method", "missed_distance", "prob_detect", "prob_gate", "clutter_density", "grid"}},
      {"initiation",
       {"rule", "min_points", "m", "n", "prior_velocity_sigma", "missed_distance",
        "new_target_density", "false_confirm_probability", "false_delete_probability",
        "report_tentative_states"}},
      {"deletion", {"max_misses", "max_position_variance", "score_drop"}},
      {"metrics", {"gospa_c", "gospa_p", "gospa_alpha", "ospa_c", "ospa_p"}},
  }));

  TrackConfig c;
  constexpr double kBig = 1e300;
  std::string motion = "cv";
  BIAC_RETURN_IF_ERROR(r.Choice("motion", "model", {"cv", "ca", "singer", "ct-known"}, motion));
  c.motion = motion == "cv"       ? MotionKind::kConstantVelocity
             : motion == "ca"     ? MotionKind::kConstantAcceleration
             : motion == "singer" ? MotionKind::kSinger
                                  : MotionKind::kKnownTurnRate;
  BIAC_RETURN_IF_ERROR(r.Number("motion", "noise_diff_coeff", c.noise_diff_coeff, 0, kBig));
  BIAC_RETURN_IF_ERROR(r.Number("motion", "singer_tau", c.singer_tau, 0, kBig, false));
  BIAC_RETURN_IF_ERROR(r.Number("motion", "singer_sigma", c.singer_sigma, 0, kBig));
  BIAC_RETURN_IF_ERROR(r.Number("motion", "turn_rate_deg_s", c.turn_rate_deg_s, -360, 360));
  BIAC_RETURN_IF_ERROR(r.Number("measurement", "sigma", c.measurement_sigma, 0, kBig, false));

  auto& h = c.tracker.hypothesiser;
  std::string method = "gnn";
  BIAC_RETURN_IF_ERROR(r.Choice("association", "method", {"gnn", "jpda"}, method));
  c.tracker.associator =
      method == "gnn" ? tracking::AssociatorKind::kGnn : tracking::AssociatorKind::kJpda;
  h.kind = method == "gnn" ? tracking::HypothesisKind::kDistance
                           : tracking::HypothesisKind::kProbability;
  BIAC_RETURN_IF_ERROR(
      r.Number("association", "missed_distance", h.missed_distance, 0, kBig, false));
  BIAC_RETURN_IF_ERROR(r.Number("association", "prob_detect", h.prob_detect, 0, 1, false));
  BIAC_RETURN_IF_ERROR(r.Number("association", "prob_gate", h.prob_gate, 0, 1, false));
  BIAC_RETURN_IF_ERROR(
      r.Number("association", "clutter_density", h.clutter_density, 0, kBig, false));
  BIAC_RETURN_IF_ERROR(r.Bool("association", "grid", h.use_grid));
  if (h.prob_detect >= 1) return r.Error("association", "prob_detect", "must be below 1");
  if (h.prob_gate >= 1) return r.Error("association", "prob_gate", "must be below 1");

  auto& i = c.tracker.initiator;
  std::string rule = "consecutive";
  BIAC_RETURN_IF_ERROR(r.Choice("initiation", "rule", {"consecutive", "m-of-n", "score"}, rule));
  i.rule = rule == "consecutive" ? tracking::ConfirmationRule::kConsecutive
           : rule == "m-of-n"    ? tracking::ConfirmationRule::kMOfN
                                 : tracking::ConfirmationRule::kScore;
  BIAC_RETURN_IF_ERROR(r.Integer("initiation", "min_points", i.min_points, 1, 1000));
  BIAC_RETURN_IF_ERROR(r.Integer("initiation", "m", i.m, 1, 1000));
  BIAC_RETURN_IF_ERROR(r.Integer("initiation", "n", i.n, 1, 1000));
  if (i.m > i.n) return r.Error("initiation", "m", fmt::format("M = {} exceeds N = {}", i.m, i.n));
  BIAC_RETURN_IF_ERROR(
      r.Number("initiation", "prior_velocity_sigma", c.prior_velocity_sigma, 0, kBig));
  BIAC_RETURN_IF_ERROR(
      r.Number("initiation", "missed_distance", i.missed_distance, 0, kBig, false));
  BIAC_RETURN_IF_ERROR(
      r.Number("initiation", "new_target_density", i.new_target_density, 0, kBig, false));
  BIAC_RETURN_IF_ERROR(r.Number("initiation", "false_confirm_probability",
                                i.false_confirm_probability, 0, 1, false));
  BIAC_RETURN_IF_ERROR(
      r.Number("initiation", "false_delete_probability", i.false_delete_probability, 0, 1, false));

  BIAC_RETURN_IF_ERROR(r.Bool("initiation", "report_tentative_states", i.report_tentative_states));

  auto& d = c.tracker.deleter;
  BIAC_RETURN_IF_ERROR(r.Integer("deletion", "max_misses", d.max_misses, 0, 1000000));
  BIAC_RETURN_IF_ERROR(
      r.Number("deletion", "max_position_variance", d.max_position_variance, 0, kBig));
  BIAC_RETURN_IF_ERROR(r.Number("deletion", "score_drop", d.score_drop, 0, kBig));
  if (d.max_misses == 0 && d.max_position_variance == 0 && d.score_drop == 0) {
    return r.Error("deletion", "max_misses", "every deletion rule is off; enable at least one");
  }

  BIAC_RETURN_IF_ERROR(r.Number("metrics", "gospa_c", c.gospa_c, 0, kBig, false));
  BIAC_RETURN_IF_ERROR(r.Number("metrics", "gospa_p", c.gospa_p, 1, kBig));
  BIAC_RETURN_IF_ERROR(r.Number("metrics", "gospa_alpha", c.gospa_alpha, 0, 2, false));
  BIAC_RETURN_IF_ERROR(r.Number("metrics", "ospa_c", c.ospa_c, 0, kBig, false));
  BIAC_RETURN_IF_ERROR(r.Number("metrics", "ospa_p", c.ospa_p, 1, kBig));
  if (c.gospa_alpha != 2.0) {
    return r.Error("metrics", "gospa_alpha",
                   "only alpha = 2 has the localisation/missed/false decomposition");
  }
  BIAC_RETURN_IF_ERROR(c.tracker.Validate());
  return c;
}

Result<TrackConfig> LoadTrackConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Unavailable(fmt::format("{}: cannot open the file", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseTrackConfig(buffer.str(), path);
}

}  // namespace biac::app
