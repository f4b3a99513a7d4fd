#include "biac/app/commands.h"

#include <cstdio>

namespace biac::app {

CommandRunner RegisterDemoCommand(CLI::App& parent) {
  CLI::App* cmd = parent.add_subcommand("demo", "Run a tracking scenario end to end and report");
  (void)cmd;
  return [] {
    std::printf("biac demo\n");
    return 0;
  };
}

}  // namespace biac::app
