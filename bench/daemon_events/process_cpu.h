// CPU time a process has used: utime + stime of /proc/<pid>/stat.
#pragma once

#include <sys/types.h>

namespace nodeplane::bench {

// Seconds of CPU `pid` used in user and kernel mode so far (clock-tick
// resolution, 10 ms). Throws std::runtime_error when it cannot be read.
double cpuSeconds(pid_t pid);

}  // namespace nodeplane::bench
