#pragma once

// Each subcommand registers its options on the parser and returns the function that runs it
// once the arguments are parsed.

#include <CLI/CLI.hpp>

#include <functional>

namespace biac::app {

using CommandRunner = std::function<int()>;

CommandRunner RegisterDecodeCommand(CLI::App& parent);
CommandRunner RegisterLabelCommand(CLI::App& parent);
CommandRunner RegisterAuditCommand(CLI::App& parent);
CommandRunner RegisterDemoCommand(CLI::App& parent);
CommandRunner RegisterSimCommand(CLI::App& parent);
CommandRunner RegisterTrackCommand(CLI::App& parent);
CommandRunner RegisterFuseCommand(CLI::App& parent);
CommandRunner RegisterServeCommand(CLI::App& parent);

}  // namespace biac::app
