// Attaching programs to an interface's tc hooks: a clsact qdisc and one
// direct-action filter per direction, always at the same handle and priority
// so that a restarted daemon replaces its predecessor's program in place
// (BPF_TC_F_REPLACE) and traffic never sees a gap. Runs in the caller's
// network namespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace nodeplane::datapath {

enum class TcDirection { Ingress, Egress };

// Ours: "NP" in the handle; priority 1 so we run before filters others add
// with the default priority.
inline constexpr std::uint32_t kTcHandle = 0x4e50;
inline constexpr std::uint32_t kTcPriority = 1;

// "'np-web-1' (ifindex 7)", or "ifindex 7" once the interface is gone.
std::string describeInterface(int ifindex);

// Adds the clsact qdisc unless the interface has one already.
Status ensureClsact(int ifindex);

// Attaches `progFd` at our handle and priority, replacing what is there;
// adds the clsact qdisc first when the interface has none.
Status attachTc(int ifindex, TcDirection direction, int progFd, const std::string& progName);

// Removes our filter. A filter, qdisc or interface already gone counts as
// done. Other filters and the clsact qdisc stay: they may not be ours.
Status detachTc(int ifindex, TcDirection direction);

// The id of the program at our handle and priority, nullopt when none is.
Result<std::optional<std::uint32_t>> queryTc(int ifindex, TcDirection direction);

}  // namespace nodeplane::datapath
