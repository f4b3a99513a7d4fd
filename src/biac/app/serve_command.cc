// `biac serve --config FILE [--check]`: runs a node until SIGINT or SIGTERM (docs/node.md).

#include <fmt/format.h>
#include <signal.h>

#include <cstdio>
#include <memory>

#include "biac/app/commands.h"
#include "biac/app/node.h"
#include "biac/app/node_signals.h"
#include "biac/app/serve_config.h"
#include "biac/base/clock.h"

namespace biac::app {

namespace {

struct ServeArgs {
  std::string config;
  bool check = false;
};

int RunServe(const ServeArgs& args) {
  auto config = LoadServeConfig(args.config);
  if (!config.ok()) {
    std::fprintf(stderr, "biac serve: %s\n", config.error().message().c_str());
    return 2;
  }
  if (args.check) {
    std::printf("%s: valid: node %s, %zu feeds, %zu audiences, %zu users, data in %s\n",
                args.config.c_str(), config->node_name.c_str(), config->feeds.size(),
                config->audiences.size(), config->users.size(), config->data_dir.c_str());
    return 0;
  }
  BlockStopSignals();  // before any thread starts, so that only the waiter receives them
  auto node = Node::Start(*config, &SystemClock::Instance());
  if (!node.ok()) {
    std::fprintf(stderr, "biac serve: %s\n", node.error().message().c_str());
    return 1;
  }
  PrintEndpoints(**node, config->node_name);
  std::fflush(stdout);
  const int signal = WaitForStopSignal(Duration::max());
  std::fprintf(stderr, "biac serve: signal %d: stopping\n", signal);
  (*node)->Stop();
  return 0;
}

}  // namespace

CommandRunner RegisterServeCommand(CLI::App& parent) {
  CLI::App* cmd = parent.add_subcommand(
      "serve", "Run a node: feed listeners, fusion, storage, the HTTPS API and CoT out");
  auto args = std::make_shared<ServeArgs>();
  cmd->add_option("--config", args->config, "Configuration file (TOML)")->required();
  cmd->add_flag("--check", args->check, "Validate the configuration and exit");
  return [args] { return RunServe(*args); };
}

}  // namespace biac::app
