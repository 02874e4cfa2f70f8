#include "support/two_pods.h"

#include <stdexcept>

#include "support/command.h"

namespace nodeplane::test {

int wirePod(DatapathFixture& node, const ScopedNetns& pod, const std::string& hostEnd, const char* ip) {
    int ifindex = addVethPair(node.netns(), hostEnd, "eth0", &pod);
    runOrThrow({"ip", "addr", "add", std::string(ip) + "/32", "dev", "eth0"}, pod.fd());
    runOrThrow({"ip", "route", "add", "default", "via", "169.254.1.1", "dev", "eth0", "onlink"}, pod.fd());
    runOrThrow({"ip", "neigh", "add", "169.254.1.1", "lladdr", macAddressIn(node.netns(), hostEnd), "dev", "eth0", "nud",
                "permanent"},
               pod.fd());
    return ifindex;
}

TwoPods wireTwoPods(DatapathFixture& node, const char* ipA, const char* ipB) {
    const int nodeNs = node.netns().fd();
    runOrThrow({"sysctl", "-qw", "net.ipv4.ip_forward=0"}, nodeNs);
    node.addInterface("np-ext");
    runOrThrow({"ip", "addr", "add", "192.168.50.2/24", "dev", "np-ext"}, nodeNs);

    TwoPods pods;
    pods.podA.emplace(ScopedNetns::create());
    pods.podB.emplace(ScopedNetns::create());
    pods.hostA = wirePod(node, *pods.podA, "np-pod-a", ipA);
    pods.hostB = wirePod(node, *pods.podB, "np-pod-b", ipB);

    auto& dp = node.datapath();
    auto& endpoints = dp.localEndpoints();
    const auto a = static_cast<std::uint32_t>(pods.hostA);
    const auto b = static_cast<std::uint32_t>(pods.hostB);
    if (auto st = dp.attachPod(pods.hostA); !st) throw std::runtime_error(st.error().message);
    if (auto st = dp.attachPod(pods.hostB); !st) throw std::runtime_error(st.error().message);
    if (auto st = endpoints.upsert(*IpAddress::parse(ipA), {a, 1, 0, 0}); !st) throw std::runtime_error(st.error().message);
    if (auto st = endpoints.upsert(*IpAddress::parse(ipB), {b, 2, 0, 0}); !st) throw std::runtime_error(st.error().message);
    return pods;
}

}  // namespace nodeplane::test
