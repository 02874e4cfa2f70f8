// The narrow views the reconciler has of the kernel that its modules do not
// already give as interfaces: looking links up by name, and attaching
// programs. (Routes and the endpoint map come as netlink::RouteTable and
// datapath::LocalEndpointTable.) The daemon wires the real implementations in;
// unit tests wire fakes, so reconciliation is tested without root.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"

namespace nodeplane::daemon {

class LinkView {
public:
    virtual ~LinkView() = default;
    virtual std::optional<int> ifindexOf(const std::string& name) const = 0;
};

enum class InterfaceRole { Pod, External };

class ProgramAttacher {
public:
    virtual ~ProgramAttacher() = default;
    virtual Status attach(int ifindex, InterfaceRole role) = 0;  // replaces in place
    virtual Status detach(int ifindex) = 0;
};

}  // namespace nodeplane::daemon
