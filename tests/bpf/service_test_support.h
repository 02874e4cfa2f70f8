// Shared by the service packet tests: a miniature node with a client pod
// (A), two local backend pods (B, C) and backends elsewhere, and a helper
// that publishes a service through the same typed tables the daemon uses.
#pragma once

#include <CppUTest/TestHarness.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "packet_test_support.h"
#include "support/counters.h"
#include "support/packet_view.h"

namespace nodeplane::test {

inline constexpr const char* kPodC = "10.200.1.12";
inline constexpr const char* kVip = "10.96.0.10";
inline constexpr std::uint16_t kVipPort = 80;
inline constexpr std::uint16_t kClientPort = 40000;
inline constexpr std::uint16_t kBackendPort = 8080;
inline constexpr const char* kMacPodB = "02:00:00:00:0b:0b";
inline constexpr const char* kMacHostB = "02:00:00:00:0b:01";

inline datapath::Backend backendAt(const char* ip, std::uint16_t port = kBackendPort, bool local = true,
                                   datapath::L4Protocol protocol = datapath::L4Protocol::Tcp) {
    datapath::Backend b;
    b.address = ipOf(ip);
    b.port = port;
    b.protocol = protocol;
    b.local = local;
    return b;
}

inline datapath::FrontendKey frontendOf(const char* vip, std::uint16_t port,
                                        datapath::L4Protocol protocol = datapath::L4Protocol::Tcp) {
    return datapath::FrontendKey{ipOf(vip), port, protocol, datapath::ServiceScope::Internal};
}

// Every service test starts here: pods A, B, C local (each behind its host
// end), the datapath's tables at hand.
struct ServiceNode {
    std::unique_ptr<DatapathFixture> node;
    int hostA = 0, hostB = 0, hostC = 0;

    void build(const datapath::Options& options = {}) {
        orFail([&] {
            node = std::make_unique<DatapathFixture>(options);
            hostA = node->addInterface("np-pod-a");
            hostB = node->addInterface("np-pod-b");
            hostC = node->addInterface("np-pod-c");
        });
        auto& endpoints = node->datapath().localEndpoints();
        CHECK_TRUE(endpoints.upsert(ipOf(kPodA), {static_cast<std::uint32_t>(hostA), 1, 0, 0}).ok());
        CHECK_TRUE(endpoints.upsert(ipOf(kPodB), {static_cast<std::uint32_t>(hostB), 2, 0, 0}).ok());
        CHECK_TRUE(endpoints.upsert(ipOf(kPodC), {static_cast<std::uint32_t>(hostC), 3, 0, 0}).ok());
    }

    datapath::Datapath& dp() { return node->datapath(); }
    datapath::DatapathStats& stats() { return dp().stats(); }

    // Publishes frontend -> backends as the reconciler would: backends,
    // rev-NAT, the backend set, then the frontend.
    void publish(const datapath::FrontendKey& key, const datapath::FrontendValue& value,
                 const std::vector<std::pair<datapath::BackendId, datapath::Backend>>& backends) {
        std::vector<datapath::BackendId> ids;
        for (const auto& [id, backend] : backends) {
            CHECK_TRUE(dp().backends().upsert(id, backend).ok());
            ids.push_back(id);
        }
        CHECK_TRUE(dp().revNat().upsert(value.revNatId, {key.address, key.port}).ok());
        auto replaced = dp().services().replaceBackendSet(value.serviceId, ids);
        CHECK_TEXT(replaced.ok(), replaced.ok() ? "" : replaced.error().message.c_str());
        CHECK_TRUE(dp().services().upsert(key, value).ok());
    }

    // The ClusterIP kVip:kVipPort/TCP, service 1, rev-NAT 1.
    void publishClusterIp(const std::vector<std::pair<datapath::BackendId, datapath::Backend>>& backends,
                          datapath::FrontendFlags flags = {}, std::uint32_t affinitySeconds = 0) {
        publish(frontendOf(kVip, kVipPort), datapath::FrontendValue{1, 1, flags, affinitySeconds}, backends);
    }

    TestRunResult fromPod(int ifindex, const Bytes& frame) { return runOn(*node, datapath::Program::FromPod, ifindex, frame); }
    TestRunResult toPod(int ifindex, const Bytes& frame) { return runOn(*node, datapath::Program::ToPod, ifindex, frame); }

    std::uint64_t stat(const char* name) { return statCounter(stats(), name).packets; }
    std::uint64_t drop(const char* name) { return dropCounter(stats(), name).packets; }
};

// Pod A's TCP segment to the frontend.
inline Bytes clientTcp(std::uint16_t sport = kClientPort, std::uint8_t flags = tcp_flags::kSyn,
                       const char* dst = kVip, std::uint16_t dport = kVipPort) {
    return PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, dst).tcp(sport, dport, flags).payload("GET /").build();
}

inline Bytes clientUdp(std::uint16_t sport = kClientPort, const char* dst = kVip, std::uint16_t dport = kVipPort) {
    return PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, dst).udp(sport, dport).payload("query").build();
}

// A backend's reply to pod A.
inline Bytes backendTcpReply(const char* backend, std::uint16_t sport = kBackendPort,
                             std::uint16_t dport = kClientPort, std::uint8_t flags = tcp_flags::kSyn | tcp_flags::kAck) {
    return PacketBuilder().eth(kMacPodB, kMacHostB).ipv4(backend, kPodA).tcp(sport, dport, flags).payload("200 OK").build();
}

}  // namespace nodeplane::test
