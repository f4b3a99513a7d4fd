#include "biac/app/cli.h"

#include <cstdio>
#include <exception>
#include <vector>

#include "biac/app/commands.h"

namespace biac::app {

int Run(int argc, char** argv) {
  CLI::App app{"biac: bilateral information analysis cell"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "biac 0.1.0");

  std::vector<std::pair<CLI::App*, CommandRunner>> commands;
  auto add = [&](CommandRunner runner) {
    commands.emplace_back(app.get_subcommands({}).back(), std::move(runner));
  };
  add(RegisterDecodeCommand(app));
  add(RegisterDemoCommand(app));
  add(RegisterLabelCommand(app));
  add(RegisterAuditCommand(app));
  add(RegisterSimCommand(app));
  add(RegisterTrackCommand(app));
  add(RegisterFuseCommand(app));
  add(RegisterServeCommand(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "biac: %s (see biac --help)\n", e.what());
    return 2;
  }
  for (auto& [sub, runner] : commands) {
    if (sub->parsed()) {
      try {
        return runner();
      } catch (const std::exception& e) {
        // Commands report errors through Status; this is the last line of defence so a user
        // never sees a stack trace.
        std::fprintf(stderr, "biac %s: internal error: %s\n", sub->get_name().c_str(), e.what());
        return 1;
      }
    }
  }
  return 2;
}

}  // namespace biac::app
