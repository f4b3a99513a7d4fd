#pragma once

// Logging facade over spdlog: modules log through these functions so that the sink, the
// level and the format are set once, by the application.

#include <fmt/format.h>

#include <string_view>

namespace biac::log {

enum class Level { kDebug, kInfo, kWarning, kError, kOff };

void SetLevel(Level level);
Level GetLevel();
void Write(Level level, std::string_view message);

template <typename... Args>
void Debug(fmt::format_string<Args...> format, Args&&... args) {
  if (GetLevel() <= Level::kDebug)
    Write(Level::kDebug, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void Info(fmt::format_string<Args...> format, Args&&... args) {
  if (GetLevel() <= Level::kInfo)
    Write(Level::kInfo, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void Warning(fmt::format_string<Args...> format, Args&&... args) {
  if (GetLevel() <= Level::kWarning) {
    Write(Level::kWarning, fmt::format(format, std::forward<Args>(args)...));
  }
}
template <typename... Args>
void Error(fmt::format_string<Args...> format, Args&&... args) {
  if (GetLevel() <= Level::kError)
    Write(Level::kError, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace biac::log
