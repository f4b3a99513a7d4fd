// TEMPORARY placeholder until `biac audit` lands: replace this whole file.
#include "biac/app/commands.h"

#include <cstdio>

namespace biac::app {

CommandRunner RegisterAuditCommand(CLI::App& parent) {
  parent.add_subcommand("audit", "(not built yet)");
  return [] {
    std::fprintf(stderr, "biac audit: not built yet\n");
    return 1;
  };
}

}  // namespace biac::app
