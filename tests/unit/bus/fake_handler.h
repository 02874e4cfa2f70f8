// A ControlHandler with canned answers, and a NodeStatus that fills every field.
#pragma once

#include <limits>
#include <optional>
#include <stdexcept>

#include "bus/control_handler.h"

namespace nodeplane::bus::test {

inline NodeStatus sampleStatus() {
    NodeStatus s;
    s.node = "node-a";
    s.stateSource = "snapshot";
    s.statePath = "/etc/nodeplane/state.toml";
    s.phase = "serving";
    s.healthy = true;
    s.generation = 7;
    s.appliedUsec = 1714564795125000;  // 2024-05-01T11:59:55.125Z
    s.lastRefusedReload = "state.toml:12:5: Service shop/web: key 'ports[0].port': 70000 is out of range 1-65535";
    s.pendingInterfaces = {"np-late-1", "np-late-2"};
    s.interfaces = {
        {"np-web-1", 12, "pod", {"from_pod@ingress", "to_pod@egress"}, 10, 1000, 20, 2000},
        {"eth0", 2, "external", {"from_netdev@ingress", "to_netdev@egress"},
         std::numeric_limits<std::uint64_t>::max(), 1, 2, 3},
        {"np-idle", 40000, "pod", {}, 0, 0, 0, 0},
    };
    s.maps = {{"np_services", "hash", 65536, 12}, {"np_conntrack", "lru_hash", 262144, 131072},
              {"np_empty", "array", 0, 0}};
    s.stats = {{"forwarded", 123456789012ULL}, {"drop_policy", 3}};
    return s;
}

class FakeHandler : public ControlHandler {
public:
    NodeStatus current = sampleStatus();
    std::optional<std::string> refuseWith;
    bool throwOnStatus = false;
    int reloads = 0;

    NodeStatus status() override {
        if (throwOnStatus) throw std::runtime_error("the map walker broke");
        return current;
    }
    Result<std::string> reload() override {
        ++reloads;
        if (refuseWith) {
            current.lastRefusedReload = *refuseWith;
            return Error::logical(*refuseWith);
        }
        current.generation += 1;
        return "applied generation " + std::to_string(current.generation);
    }
};

}  // namespace nodeplane::bus::test
