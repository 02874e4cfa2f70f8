// FlowEnricher: both ends named, policies on allowed verdicts, and the two
// delegation predicates of GKE network policy logging.
#include <CppUTest/TestHarness.h>

#include <netinet/in.h>

#include "observe/enricher.h"
#include "observe_test_model.h"

using namespace nodeplane;
using namespace nodeplane::observe;
using nodeplane::observe::test::clusterModel;
using nodeplane::observe::test::ip;

namespace {

FlowEvent verdict(const char* src, const char* dst, std::uint16_t dstPort, PolicyDirection direction, bool allowed,
                  std::uint8_t protocol = IPPROTO_TCP) {
    FlowEvent e;
    e.kind = FlowEventKind::PolicyVerdict;
    e.protocol = protocol;
    e.src = ip(src);
    e.dst = ip(dst);
    e.srcPort = 40000;
    e.dstPort = dstPort;
    e.direction = direction;
    e.allowed = allowed;
    return e;
}

}  // namespace

TEST_GROUP(FlowEnricher) {
    state::Model model = clusterModel();
};

TEST(FlowEnricher, AllowedIngressNamesBothEndsAndThePolicies) {
    FlowEnricher enricher(model);
    FlowEvent event = verdict("10.200.2.20", "10.200.1.10", 8080, PolicyDirection::Ingress, true);
    EnrichedFlow flow = enricher.enrich(event);
    CHECK(flow.src.kind == Peer::Kind::Pod);
    STRCMP_EQUAL("frontend-0", flow.src.podName.c_str());
    STRCMP_EQUAL("StatefulSet", flow.src.workloadKind.c_str());
    CHECK(flow.dst.kind == Peer::Kind::Pod);
    STRCMP_EQUAL("web-7d4b9c-x2x9z", flow.dst.podName.c_str());
    STRCMP_EQUAL("Deployment", flow.dst.workloadKind.c_str());
    STRCMP_EQUAL("web", flow.dst.workloadName.c_str());
    LONGS_EQUAL(2, flow.policies.size());
    CHECK(flow.policies[0] == (PolicyRef{"allow-frontend", "shop", "NetworkPolicy"}));
    CHECK(flow.policies[1] == (PolicyRef{"allow-team-web", "shop", "NetworkPolicy"}));
    CHECK(flow.event.src == event.src);
    LONGS_EQUAL(8080, flow.event.dstPort);
    CHECK(enricher.allowLoggingEnabled(flow));  // allow-frontend asks for it
    CHECK_FALSE(enricher.denyLoggingEnabled(flow));
}

TEST(FlowEnricher, AllowLoggingNeedsAnAllowingPolicyThatAsks) {
    FlowEnricher enricher(model);
    // Only allow-team-web (no annotation) allows port 8081.
    EnrichedFlow flow = enricher.enrich(verdict("10.200.2.20", "10.200.1.10", 8081, PolicyDirection::Ingress, true));
    LONGS_EQUAL(1, flow.policies.size());
    CHECK(flow.policies[0] == (PolicyRef{"allow-team-web", "shop", "NetworkPolicy"}));
    CHECK_FALSE(enricher.allowLoggingEnabled(flow));
}

TEST(FlowEnricher, EgressLocalPodIsTheSource) {
    FlowEnricher enricher(model);
    EnrichedFlow flow =
        enricher.enrich(verdict("10.200.1.10", "10.200.2.30", 53, PolicyDirection::Egress, true, IPPROTO_UDP));
    LONGS_EQUAL(1, flow.policies.size());
    CHECK(flow.policies[0] == (PolicyRef{"web-egress-dns", "shop", "NetworkPolicy"}));
    STRCMP_EQUAL("tools", flow.dst.podNamespace.c_str());
    CHECK_FALSE(enricher.allowLoggingEnabled(flow));  // its annotation says "false"
}

TEST(FlowEnricher, DeniedVerdictHasNoPolicies) {
    FlowEnricher enricher(model);
    EnrichedFlow flow = enricher.enrich(verdict("10.200.2.30", "10.200.1.10", 8080, PolicyDirection::Ingress, false));
    CHECK(flow.policies.empty());
    CHECK_FALSE(enricher.allowLoggingEnabled(flow));
}

TEST(FlowEnricher, DenyLoggingFollowsTheNamespaceOfThePodThatDenied) {
    FlowEnricher enricher(model);
    // Ingress to shop/web: shop asks for deny logging.
    CHECK(enricher.denyLoggingEnabled(
        enricher.enrich(verdict("10.200.2.30", "10.200.1.10", 8080, PolicyDirection::Ingress, false))));
    // Egress from shop/web to tools/debug: the source's namespace decides.
    CHECK(enricher.denyLoggingEnabled(
        enricher.enrich(verdict("10.200.1.10", "10.200.2.30", 80, PolicyDirection::Egress, false))));
    // Ingress from shop/web to tools/debug: tools does not ask, whatever shop says.
    CHECK_FALSE(enricher.denyLoggingEnabled(
        enricher.enrich(verdict("10.200.1.10", "10.200.2.30", 80, PolicyDirection::Ingress, false))));
    // Egress from quiet/q, whose annotation is "false".
    CHECK_FALSE(enricher.denyLoggingEnabled(
        enricher.enrich(verdict("10.200.1.40", "10.200.1.10", 8080, PolicyDirection::Egress, false))));
}

TEST(FlowEnricher, DenyLoggingOnlyForDeniedVerdicts) {
    FlowEnricher enricher(model);
    CHECK_FALSE(enricher.denyLoggingEnabled(
        enricher.enrich(verdict("10.200.2.20", "10.200.1.10", 8080, PolicyDirection::Ingress, true))));
    FlowEvent drop = verdict("10.200.2.30", "10.200.1.10", 8080, PolicyDirection::Ingress, false);
    drop.kind = FlowEventKind::Drop;
    CHECK_FALSE(enricher.denyLoggingEnabled(enricher.enrich(drop)));
}

TEST(FlowEnricher, OtherEventsAreNamedWithoutPolicies) {
    FlowEnricher enricher(model);
    FlowEvent open = verdict("10.200.2.20", "10.200.1.10", 8080, PolicyDirection::Ingress, true);
    open.kind = FlowEventKind::FlowOpen;
    EnrichedFlow flow = enricher.enrich(open);
    STRCMP_EQUAL("frontend-0", flow.src.podName.c_str());
    STRCMP_EQUAL("web-7d4b9c-x2x9z", flow.dst.podName.c_str());
    CHECK(flow.policies.empty());
    CHECK_FALSE(enricher.allowLoggingEnabled(flow));
}

TEST(FlowEnricher, NodesAndOutsideAddresses) {
    FlowEnricher enricher(model);
    EnrichedFlow flow = enricher.enrich(verdict("192.168.50.3", "8.8.4.4", 443, PolicyDirection::Egress, false));
    CHECK(flow.src.kind == Peer::Kind::Node);
    STRCMP_EQUAL("node-b", flow.src.nodeName.c_str());
    CHECK(flow.dst.kind == Peer::Kind::Other);
    CHECK(flow.dst.address == ip("8.8.4.4"));
    // The source is no pod: no namespace to ask.
    CHECK_FALSE(enricher.denyLoggingEnabled(flow));
}

TEST(FlowEnricher, AllowedFromOutsideByIpBlock) {
    FlowEnricher enricher(model);
    EnrichedFlow flow = enricher.enrich(verdict("192.168.7.7", "10.200.1.10", 9001, PolicyDirection::Ingress, true));
    CHECK(flow.src.kind == Peer::Kind::Other);
    LONGS_EQUAL(1, flow.policies.size());
    CHECK(flow.policies[0] == (PolicyRef{"allow-office", "shop", "NetworkPolicy"}));
}
