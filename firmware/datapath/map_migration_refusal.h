// The one error a daemon gives when it will not adopt the pinned datapath
// (another layout, a changed map shape, a shrink that would drop entries).
// Nothing has been unpinned or detached by then, so the old datapath keeps
// forwarding; the daemon exits with EX_CONFIG (78), which the unit does not
// restart (RestartPreventExitStatus=78): restarting cannot change the pins.
#pragma once

#include <string>

#include "common/result.h"

namespace nodeplane::datapath {

// `why` says what differs: "the pinned map np_conntrack_v2 has value size 48,
// this version needs 52". The message adds what happens and what to do.
Error layoutRefusal(const std::string& bpffs, const std::string& why);

// True for an error made by layoutRefusal(): nodeplaned exits 78 on it.
bool isLayoutRefusal(const Error& error);

}  // namespace nodeplane::datapath
