#pragma once

// The calling thread's name.

#include <string_view>

namespace biac {

// Names the calling thread (shown by top -H, perf and /proc/PID/task/TID/comm; at most 15
// characters are kept).
void NameThisThread(std::string_view name);

}  // namespace biac
