// Reading per-CPU counter maps: the kernel hands back one value per possible
// CPU (each padded to 8 bytes); the daemon reports their sum.
#pragma once

#include <optional>

#include "common/result.h"
#include "datapath/abi.h"

namespace nodeplane::datapath {

// The sum over all CPUs of the np_counter at `key`, or nullopt when the key
// is absent (a hash map entry not created yet).
Result<std::optional<np_counter>> sumPerCpuCounter(int mapFd, const void* key);

}  // namespace nodeplane::datapath
