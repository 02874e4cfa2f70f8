// Removing a pinned datapath on purpose (`nodeplanectl teardown`): a stopped
// daemon leaves it forwarding, so this is the only way it goes away short
// of a reboot. Runs in the caller's network namespace, with the daemon
// stopped (the caller checks).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace nodeplane::datapath {

// Removes, in this order and printing one line each in the result:
//  - every tc filter at our handle and priority (tc.h), on every interface
//    of this network namespace, that runs a program pinned under
//    <bpffs>/progs or one named like ours (a predecessor's, replaced since);
//  - the socket hooks, by removing their pinned links under <bpffs>/links
//    (a link detaches once its pin, the last holder, is gone);
//  - every pin under <bpffs>/maps and <bpffs>/progs, those directories and
//    <bpffs> itself when nothing else is left in it.
// Filters of other programs, the clsact qdiscs and anything else under
// <bpffs> stay (named in `kept`). Nothing to remove gives an empty
// `removed`: teardown twice is fine.
struct TeardownReport {
    std::vector<std::string> removed;  // "Detached np_from_pod (id 41) from 'eth0' ingress"
    std::vector<std::string> kept;     // "Kept /sys/fs/bpf/np: it holds files that are not nodeplane's"
};
Result<TeardownReport> teardownDatapath(const std::string& bpffs);

}  // namespace nodeplane::datapath
