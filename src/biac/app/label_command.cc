// TEMPORARY placeholder until `biac label` lands: replace this whole file.
#include "biac/app/commands.h"

#include <cstdio>

namespace biac::app {

CommandRunner RegisterLabelCommand(CLI::App& parent) {
  parent.add_subcommand("label", "(not built yet)");
  return [] {
    std::fprintf(stderr, "biac label: not built yet\n");
    return 1;
  };
}

}  // namespace biac::app
