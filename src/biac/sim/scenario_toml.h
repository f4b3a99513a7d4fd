#pragma once

// Reads a scenario from TOML (format: docs/sim.md). Every key is checked: an unknown key, a
// value of the wrong type or out of range is an error naming the source, the line and the key
// path, e.g. "atc.toml:14: sensor[0].pd: must be in [0, 1], got 1.5".

#include <filesystem>
#include <string_view>

#include "biac/base/status.h"
#include "biac/sim/scenario.h"

namespace biac::sim {

// `source` names the text in messages (a file name, or e.g. "builtin:blk-atc").
Result<Scenario> ParseScenarioToml(std::string_view text, std::string_view source);

// Reads and parses a file; an unreadable file is kUnavailable naming the path and the reason.
Result<Scenario> LoadScenarioFile(const std::filesystem::path& path);

}  // namespace biac::sim
