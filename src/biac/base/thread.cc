#include "biac/base/thread.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

namespace biac {

void NameThisThread(std::string_view name) {
  const std::string truncated(name.substr(0, 15));
  pthread_setname_np(pthread_self(), truncated.c_str());
}

std::string_view ThreadPriorityName(ThreadPriority priority) {
  switch (priority) {
    case ThreadPriority::kNormal:
      return "normal";
    case ThreadPriority::kLow:
      return "low";
    case ThreadPriority::kIdle:
      return "idle";
  }
  return "normal";
}

std::optional<ThreadPriority> ThreadPriorityFromName(std::string_view name) {
  for (ThreadPriority p : {ThreadPriority::kNormal, ThreadPriority::kLow, ThreadPriority::kIdle}) {
    if (ThreadPriorityName(p) == name) return p;
  }
  return std::nullopt;
}

bool SetThisThreadPriority(ThreadPriority priority) {
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  sched_param param{};
  param.sched_priority = 0;
  switch (priority) {
    case ThreadPriority::kNormal:
      return pthread_setschedparam(pthread_self(), SCHED_OTHER, &param) == 0 &&
             setpriority(PRIO_PROCESS, tid, 0) == 0;
    case ThreadPriority::kLow:
      return pthread_setschedparam(pthread_self(), SCHED_OTHER, &param) == 0 &&
             setpriority(PRIO_PROCESS, tid, 19) == 0;
    case ThreadPriority::kIdle:
      return pthread_setschedparam(pthread_self(), SCHED_IDLE, &param) == 0;
  }
  return false;
}

}  // namespace biac
