// The per-packet cost of ClusterIP translation in from_pod, for `make bench`:
// a flow's first packet (conntrack miss: frontend, slot, backend lookups and
// two conntrack inserts) and an established packet (conntrack hit), next to
// the empty program, with the backend maps holding a given number of entries.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "support/datapath_fixture.h"

namespace nodeplane::test {

struct ServiceCost {
    std::uint32_t backendEntries = 0;
    double emptyNs = 0;        // the empty program: BPF_PROG_TEST_RUN's own cost
    double plainNs = 0;        // from_pod, a packet to a remote pod: no frontend, no reply
    double firstPacketNs = 0;  // from_pod, conntrack miss, DNAT
    double establishedNs = 0;  // from_pod, conntrack hit, DNAT
};

// Fills `backendEntries` backends (and as many slots) into services of at
// most 64,000 backends each, all behind remote addresses, then times
// `samples` packets of each kind on `ifindex` (a pod host end in `node`'s
// namespace whose pod is 10.200.1.10). Each packet is its own
// BPF_PROG_TEST_RUN (repeat 1): a DNAT rewrites the shared skb, so repeats
// would time a different path. Leaves the maps filled; use a fresh fixture.
// The fixture's Options must allow backendEntries backends and slots.
Result<ServiceCost> measureServiceCost(DatapathFixture& node, int ifindex, std::uint32_t backendEntries,
                                       std::uint32_t samples);

}  // namespace nodeplane::test
