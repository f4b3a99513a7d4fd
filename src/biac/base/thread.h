#pragma once

// The calling thread's name.

#include <optional>
#include <string_view>

namespace biac {

// Names the calling thread (shown by top -H, perf and /proc/PID/task/TID/comm; at most 15
// characters are kept).
void NameThisThread(std::string_view name);

// How a thread competes for the cores.
//   kNormal: as every other thread (the default).
//   kLow: nice 19; the scheduler weighs it about 1/70 of a normal thread.
//   kIdle: SCHED_IDLE; it runs on what the normal threads leave free, and a normal thread
//     that wakes up takes its core at once. For background work with a queue in front of it
//     (a store writer): under a sustained overload it falls behind until its queue's
//     back-pressure slows its producers.
enum class ThreadPriority { kNormal, kLow, kIdle };

// Names one of the above: "normal", "low", "idle".
std::string_view ThreadPriorityName(ThreadPriority priority);
std::optional<ThreadPriority> ThreadPriorityFromName(std::string_view name);

// Sets the calling thread's priority (Linux: per thread; lowering needs no privilege). False
// when the system refused.
bool SetThisThreadPriority(ThreadPriority priority);

}  // namespace biac
