#include "biac/sim/builtin.h"

#include <string>

#include "biac/sim/builtin_scenarios_data.h"
#include "biac/sim/mtt_cv2d.h"
#include "biac/sim/scenario_toml.h"

namespace biac::sim {

std::vector<std::string_view> BuiltinScenarioNames() {
  std::vector<std::string_view> names = {kMttCv2dName};
  for (const auto& e : generated::kEmbeddedScenarios) names.push_back(e.name);
  return names;
}

bool IsBuiltinScenario(std::string_view name) {
  for (std::string_view n : BuiltinScenarioNames()) {
    if (n == name) return true;
  }
  return false;
}

std::string_view BuiltinScenarioText(std::string_view name) {
  for (const auto& e : generated::kEmbeddedScenarios) {
    if (e.name == name) return e.text;
  }
  return {};
}

Result<Scenario> BuiltinScenario(std::string_view name) {
  const std::string_view text = BuiltinScenarioText(name);
  if (text.empty()) return NotFound("no TOML-backed built-in scenario '" + std::string(name) + "'");
  return ParseScenarioToml(text, "builtin:" + std::string(name));
}

Result<SimulationOutput> RunSimulation(const SimulationRequest& request) {
  if (request.scans && *request.scans < 1) return InvalidArgument("--scans: must be >= 1");
  if (request.scenario == kMttCv2dName) {
    MttCv2dOptions options;
    if (request.targets) options.targets = *request.targets;
    if (request.scans) options.scans = *request.scans;
    if (request.seed) options.seed = *request.seed;
    BIAC_RETURN_IF_ERROR(ValidateMttCv2d(options));
    return GenerateMttCv2d(options);
  }
  if (request.targets) {
    return InvalidArgument("--n: applies only to the mtt-cv2d scenario, not '" + request.scenario +
                           "'");
  }
  Result<Scenario> scenario = IsBuiltinScenario(request.scenario)
                                  ? BuiltinScenario(request.scenario)
                                  : LoadScenarioFile(request.scenario);
  if (!scenario.ok()) return scenario.error();
  if (request.scans) scenario->scans = *request.scans;
  if (request.seed) scenario->seed = *request.seed;
  return Simulate(*scenario);
}

}  // namespace biac::sim
