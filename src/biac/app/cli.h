#pragma once

// The `biac` command line: one executable, one subcommand per job (docs/architecture.md has
// the contract). main() only hands argv to Run().

namespace biac::app {

// Parses the arguments, runs the subcommand and returns the process exit status. Bad usage
// prints one line naming the problem to stderr and returns 2; a failed job returns 1.
int Run(int argc, char** argv);

}  // namespace biac::app
