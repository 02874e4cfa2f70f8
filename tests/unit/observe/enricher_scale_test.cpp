// FlowEnricher at cluster size: rebuilt on every applied state and asked
// once per allowed connection, so both must stay cheap at 10,000 pods.
#include <CppUTest/TestHarness.h>

#include <netinet/in.h>

#include <chrono>

#include "observe/enricher.h"

using namespace nodeplane;
using namespace nodeplane::observe;

namespace {

constexpr std::uint32_t kPods = 10000;
constexpr std::uint32_t kNamespaces = 100;
constexpr std::uint32_t kLocalEvery = 100;  // every 100th pod runs on this node

IpAddress podIp(std::uint32_t i) { return IpAddress::v4((10u << 24) | (1u << 16) | i); }

// 10,000 pods in 100 namespaces, 100 of them here; per namespace a default
// deny, an allow from the namespace's own "client" pods on TCP 80, and an
// allow from a "monitoring" namespace on a named port.
state::Model bigModel() {
    state::Model m;
    m.node = "node-0";
    for (std::uint32_t n = 0; n < 20; ++n)
        m.nodes.push_back(state::Node{.name = "node-" + std::to_string(n),
                                      .addresses = {IpAddress::v4((192u << 24) | (168u << 16) | n)}});
    for (std::uint32_t n = 0; n < kNamespaces; ++n)
        m.namespaces.push_back(state::Namespace{.name = "ns-" + std::to_string(n),
                                                .labels = {{"team", n == 0 ? "monitoring" : "app"}}});
    for (std::uint32_t i = 0; i < kPods; ++i) {
        state::Pod pod;
        pod.namespace_ = "ns-" + std::to_string(i % kNamespaces);
        pod.name = "web-5c8f7b-" + std::to_string(i);
        pod.nodeName = i % kLocalEvery == 0 ? "node-0" : "node-" + std::to_string(1 + i % 19);
        pod.labels = {{"app", i % 3 == 0 ? "client" : "web"}, {"pod-template-hash", "5c8f7b"}};
        pod.ownerReferences = {{"ReplicaSet", "web-5c8f7b", true}};
        pod.ports = {{"metrics", 9090, state::Protocol::TCP}};
        pod.podIPs = {podIp(i)};
        m.pods.push_back(std::move(pod));
    }
    for (std::uint32_t n = 0; n < kNamespaces; ++n) {
        const std::string ns = "ns-" + std::to_string(n);
        state::NetworkPolicy deny{.namespace_ = ns, .name = "deny", .policyTypes = {state::PolicyType::Ingress}};
        state::NetworkPolicy clients{.namespace_ = ns, .name = "from-clients",
                                     .podSelector = {.matchLabels = {{"app", "web"}}},
                                     .policyTypes = {state::PolicyType::Ingress}};
        clients.ingress.push_back(state::PolicyRule{
            .peers = {state::PolicyPeer{.podSelector = state::LabelSelector{.matchLabels = {{"app", "client"}}}}},
            .ports = {state::PolicyPort{.protocol = state::Protocol::TCP, .port = state::PortRef{std::uint16_t{80}}}}});
        state::NetworkPolicy monitoring{.namespace_ = ns, .name = "from-monitoring",
                                        .policyTypes = {state::PolicyType::Ingress}};
        monitoring.ingress.push_back(state::PolicyRule{
            .peers = {state::PolicyPeer{
                .namespaceSelector = state::LabelSelector{.matchLabels = {{"team", "monitoring"}}}}},
            .ports = {state::PolicyPort{.port = state::PortRef{std::string("metrics")}}}});
        m.networkPolicies.push_back(std::move(deny));
        m.networkPolicies.push_back(std::move(clients));
        m.networkPolicies.push_back(std::move(monitoring));
    }
    return m;
}

}  // namespace

TEST_GROUP(FlowEnricherScale){};

TEST(FlowEnricherScale, TenThousandPodsBuildAndLookUpQuickly) {
    state::Model model = bigModel();
    auto start = std::chrono::steady_clock::now();
    FlowEnricher enricher(model);
    auto built = std::chrono::steady_clock::now() - start;

    // Local pod 100 (ns-0, app=web since 100 % 3 != 0). From pod 300 (ns-0,
    // a client): from-clients on 80. From pod 200 (ns-0 is the monitoring
    // namespace): from-monitoring on 9090. From pod 103 (ns-3, no client):
    // nothing.
    FlowEvent event;
    event.kind = FlowEventKind::PolicyVerdict;
    event.protocol = IPPROTO_TCP;
    event.direction = PolicyDirection::Ingress;
    event.allowed = true;
    event.dst = podIp(100);
    event.src = podIp(300);
    event.dstPort = 80;
    constexpr int kLookups = 100000;
    std::size_t named = 0;
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < kLookups; ++i) named += enricher.enrich(event).policies.size();
    auto looked = std::chrono::steady_clock::now() - start;
    LONGS_EQUAL(kLookups, named);
    CHECK(enricher.enrich(event).policies.front() == (PolicyRef{"from-clients", "ns-0", "NetworkPolicy"}));

    event.src = podIp(200);
    event.dstPort = 9090;
    auto monitoring = enricher.enrich(event);
    LONGS_EQUAL(1, monitoring.policies.size());
    CHECK(monitoring.policies.front() == (PolicyRef{"from-monitoring", "ns-0", "NetworkPolicy"}));
    event.src = podIp(103);
    event.dstPort = 80;
    CHECK(enricher.enrich(event).policies.empty());

    const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    std::string timing = "build " + std::to_string(ms(built)) + " ms, " + std::to_string(kLookups) + " lookups " +
                         std::to_string(ms(looked)) + " ms";
    // Generous bounds for a loaded 2-core test machine, which measured
    // 25 ms and 54 ms (0.5 us a lookup); over them, something grew quadratic.
    CHECK_TEXT(built < std::chrono::seconds(2), timing.c_str());
    CHECK_TEXT(looked < std::chrono::seconds(2), timing.c_str());
    UT_PRINT(timing.c_str());
}
