// Two pods on a miniature node, wired as snapshot.md's "Pod attachment" says:
// the node has an address of its own (the source of its ARP requests) and
// forwarding off, so traffic between the pods flows only where the datapath
// sends it. Their host ends carry the programs and are local endpoints 1
// and 2. Shared by the tests that send real packets between pods.
#pragma once

#include <optional>
#include <string>

#include "support/datapath_fixture.h"
#include "support/netns.h"

namespace nodeplane::test {

struct TwoPods {
    std::optional<ScopedNetns> podA;
    std::optional<ScopedNetns> podB;
    int hostA = 0;  // ifindex of pod A's host end ("np-pod-a") in the node
    int hostB = 0;

    // Releases the pods' namespaces (before the node's goes).
    void reset() {
        podA.reset();
        podB.reset();
    }
};

// Throws std::runtime_error when the environment cannot be built.
TwoPods wireTwoPods(DatapathFixture& node, const char* ipA, const char* ipB);

// One pod: a veth to `hostEnd` in the node, `ip`/32 on eth0, the default
// route via 169.254.1.1 and its permanent neighbour entry. The host end's ifindex.
int wirePod(DatapathFixture& node, const ScopedNetns& pod, const std::string& hostEnd, const char* ip);

}  // namespace nodeplane::test
