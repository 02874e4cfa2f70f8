// A model built from the API server's objects is, for moments at a time,
// inconsistent in ways a snapshot file is refused for (cross_validator.h):
// a slice outlives its Service, a pod its Node, a deleted Service's cluster
// IP is reused before the deletion is seen. repairLiveModel() makes such a
// model satisfy every cross-object rule of the snapshot format, choosing
// for each what keeps forwarding right, so the node keeps programming its
// datapath and the last-known state it saves loads again.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "state/model.h"

namespace nodeplane::state {

struct RepairReport {
    std::size_t dropped = 0;  // objects removed
    std::size_t cleared = 0;  // fields cleared (or values removed) on objects kept
    std::size_t added = 0;    // stand-ins added for objects not (yet) listed: this node, namespaces
    // One line per repair, "EndpointSlice a/b: Service a/x is not listed,
    // dropped"; at most kMaxRepairNotes, then one line saying how many more.
    std::vector<std::string> notes;

    bool changed() const { return dropped + cleared + added != 0; }
};

// Bounds the notes of one repair: after a partition heals, a whole cluster's
// worth of objects may need one, and the notes are logged.
inline constexpr std::size_t kMaxRepairNotes = 100;

// Makes `model` satisfy every cross-object rule of the snapshot format. A
// model that already does comes out unchanged. For a pod IP, interface,
// cluster IP or node port held twice, the holder later in its list wins:
// the model's builder must keep each kind in the order the API server's
// changes arrived. O(n) expected time in the number of objects.
RepairReport repairLiveModel(Model& model);

}  // namespace nodeplane::state
