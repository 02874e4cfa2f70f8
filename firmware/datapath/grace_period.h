// Waiting until no datapath program still works with what it read before a
// map update: the condition for freeing what that update unlinked.
#pragma once

#include "common/result.h"

namespace nodeplane::datapath {

// Returns after every BPF program that was running when it was called has
// finished. tc programs run inside an RCU read-side section, so one RCU grace
// period is enough: membarrier(MEMBARRIER_CMD_GLOBAL) waits for exactly that
// (synchronize_rcu()). Typically milliseconds; batch updates around it.
// Fails with EINVAL on nohz_full kernels, where the command is refused.
Status waitForDatapathReaders();

}  // namespace nodeplane::datapath
