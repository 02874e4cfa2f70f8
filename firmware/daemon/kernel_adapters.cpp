#include "daemon/kernel_adapters.h"

namespace nodeplane::daemon {

Status DatapathAttacher::attach(int ifindex, InterfaceRole role) {
    if (role == InterfaceRole::External) return datapath_.attachExternal(ifindex);
    auto link = links_.link(ifindex);
    if (!link) return Error::fromErrno(ENODEV, "Failed to attach to ifindex " + std::to_string(ifindex));
    // The host end must accept what the stack hands it before programs
    // start redirecting to it (see netlink::hostEndSysctls for each value).
    auto settings = netlink::hostEndSysctls(link->name);
    if (!settings) return settings.error();
    if (auto st = netlink::applySysctls(sysctls_, *settings); !st) return st;
    return datapath_.attachPod(ifindex);
}

}  // namespace nodeplane::daemon
