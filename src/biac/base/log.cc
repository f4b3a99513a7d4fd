#include "biac/base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

namespace biac::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};

spdlog::logger& Logger() {
  // Logs go to stderr: stdout belongs to commands' machine-readable output.
  static const std::shared_ptr<spdlog::logger> logger = spdlog::stderr_color_mt("biac");
  return *logger;
}

}  // namespace

void SetLevel(Level level) { g_level.store(level); }
Level GetLevel() { return g_level.load(); }

void Write(Level level, std::string_view message) {
  switch (level) {
    case Level::kDebug:
      Logger().debug(message);
      break;
    case Level::kInfo:
      Logger().info(message);
      break;
    case Level::kWarning:
      Logger().warn(message);
      break;
    case Level::kError:
      Logger().error(message);
      break;
    case Level::kOff:
      break;
  }
}

}  // namespace biac::log
