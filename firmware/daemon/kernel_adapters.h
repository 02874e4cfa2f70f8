// The reconciler's ports over the real modules: link lookup through the
// netlink LinkWatcher, and program attachment through the Datapath (which also
// prepares a pod's host end with its sysctls before the programs go on).
#pragma once

#include "daemon/host_ports.h"
#include "datapath/datapath.h"
#include "netlink/link_watcher.h"
#include "netlink/sysctl.h"

namespace nodeplane::daemon {

class WatchedLinks final : public LinkView {
public:
    explicit WatchedLinks(const netlink::LinkWatcher& watcher) : watcher_(watcher) {}
    std::optional<int> ifindexOf(const std::string& name) const override { return watcher_.ifindexOf(name); }

private:
    const netlink::LinkWatcher& watcher_;
};

class DatapathAttacher final : public ProgramAttacher {
public:
    DatapathAttacher(datapath::Datapath& datapath, const netlink::LinkWatcher& links,
                     const netlink::Sysctls& sysctls)
        : datapath_(datapath), links_(links), sysctls_(sysctls) {}

    Status attach(int ifindex, InterfaceRole role) override;
    Status detach(int ifindex) override { return datapath_.detach(ifindex); }

private:
    datapath::Datapath& datapath_;
    const netlink::LinkWatcher& links_;
    const netlink::Sysctls& sysctls_;
};

}  // namespace nodeplane::daemon
