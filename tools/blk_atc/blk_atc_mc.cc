// Regenerates the committed BLK ATC Monte Carlo curves (docs/blk_atc.md):
//   blk_atc_mc [--runs 100] [--out docs/blk_atc]
// writes <out>/rms.csv and prints the summary table of docs/blk_atc.md on stdout; the plots
// come from the CSV with `gnuplot docs/blk_atc/plot.gp` (run from the repository root).
// Exit codes: 0 done, 1 the experiment or the file failed, 2 bad usage.

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "blk_atc/blk_atc_experiment.h"

int main(int argc, char** argv) {
  CLI::App app{"BLK ATC manoeuvring-target Monte Carlo: writes the RMS and ANEES curves"};
  int runs = 100;
  std::string out = "docs/blk_atc";
  app.add_option("--runs", runs, "Monte Carlo runs per filter")->check(CLI::Range(1, 100000));
  app.add_option("--out", out, "output folder for rms.csv");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  const auto result = biac::blk_atc::RunExperiment(runs);
  if (!result.ok()) {
    std::fprintf(stderr, "blk_atc_mc: %s\n", result.error().ToString().c_str());
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  const std::string path = (std::filesystem::path(out) / "rms.csv").string();
  std::ofstream file(path, std::ios::binary);
  file << biac::blk_atc::FormatCsv(*result);
  file.close();
  if (!file) {
    std::fprintf(stderr, "blk_atc_mc: cannot write %s\n", path.c_str());
    return 1;
  }
  std::printf("%d runs per filter; wrote %s\n\n%s", runs, path.c_str(),
              biac::blk_atc::FormatSummary(*result).c_str());
  return 0;
}
