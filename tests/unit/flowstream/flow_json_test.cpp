// One enriched flow as one JSON line, byte for byte, for every kind.
#include <CppUTest/TestHarness.h>

#include "flowstream/flow_json.h"
#include "sample_flows.h"

using namespace nodeplane;
using namespace nodeplane::flowstream;
using namespace nodeplane::flowstream::test;

TEST_GROUP(FlowJson){};

TEST(FlowJson, AnAllowedVerdictNamesBothPodsAndThePolicies) {
    STRCMP_EQUAL(
        "{\"time\":\"2026-11-28T21:40:05.123Z\",\"kind\":\"policy-verdict\",\"verdict\":\"allow\",\"protocol\":\"tcp\","
        "\"src\":{\"ip\":\"10.0.1.5\",\"port\":40000,\"kind\":\"pod\",\"namespace\":\"default\",\"pod\":\"web-1\","
        "\"workload\":{\"kind\":\"Deployment\",\"name\":\"web\"},\"node\":\"node-a\"},"
        "\"dst\":{\"ip\":\"10.0.2.7\",\"port\":5432,\"kind\":\"pod\",\"namespace\":\"data\",\"pod\":\"db-0\","
        "\"node\":\"node-a\"},"
        "\"direction\":\"ingress\",\"policies\":[{\"namespace\":\"data\",\"name\":\"allow-web\","
        "\"kind\":\"NetworkPolicy\"}],\"ifindex\":12,\"length\":74}\n",
        flowJsonLine(allowedVerdict()).c_str());
}

TEST(FlowJson, ADeniedVerdictHasTheDropReasonAndNoPolicies) {
    auto json = flowToJson(deniedVerdict());
    STRCMP_EQUAL("deny", json["verdict"].get<std::string>().c_str());
    STRCMP_EQUAL("egress", json["direction"].get<std::string>().c_str());
    STRCMP_EQUAL("policy_denied", json["dropReason"].get<std::string>().c_str());
    CHECK_FALSE(json.contains("policies"));
}

TEST(FlowJson, ADropFromANodeToAnUnknownAddressOverIcmp) {
    observe::EnrichedFlow flow;
    flow.event.kind = observe::FlowEventKind::Drop;
    flow.event.time = sampleTime();
    flow.event.protocol = IPPROTO_ICMP;
    flow.event.src = *IpAddress::parse("192.168.0.10");
    flow.event.dst = *IpAddress::parse("203.0.113.9");
    flow.event.dropReason = NP_DROP_TTL_EXCEEDED;
    flow.event.ifindex = 2;
    flow.event.length = 98;
    flow.src.kind = observe::Peer::Kind::Node;
    flow.src.nodeName = "node-b";
    STRCMP_EQUAL(
        "{\"time\":\"2026-11-28T21:40:05.123Z\",\"kind\":\"drop\",\"verdict\":\"drop\",\"protocol\":\"icmp\","
        "\"src\":{\"ip\":\"192.168.0.10\",\"kind\":\"node\",\"node\":\"node-b\"},"
        "\"dst\":{\"ip\":\"203.0.113.9\",\"kind\":\"other\"},"
        "\"dropReason\":\"ttl_exceeded\",\"ifindex\":2,\"length\":98}\n",
        flowJsonLine(flow).c_str());
}

TEST(FlowJson, ATranslationShowsTheFrontendAndACloseItsTotals) {
    observe::EnrichedFlow flow = allowedVerdict();
    flow.event.kind = observe::FlowEventKind::ServiceTranslation;
    flow.event.protocol = IPPROTO_UDP;
    flow.event.frontend = *IpAddress::parse("10.96.0.10");
    flow.event.frontendPort = 53;
    flow.event.dstPort = 5353;
    auto json = flowToJson(flow);
    STRCMP_EQUAL("service-translation", json["kind"].get<std::string>().c_str());
    STRCMP_EQUAL("allow", json["verdict"].get<std::string>().c_str());
    STRCMP_EQUAL("{\"ip\":\"10.96.0.10\",\"port\":53}", json["frontend"].dump().c_str());
    LONGS_EQUAL(5353, json["dst"]["port"].get<int>());
    CHECK_FALSE(json.contains("direction"));
    CHECK_FALSE(json.contains("policies"));

    flow.event.kind = observe::FlowEventKind::FlowClose;
    flow.event.packets = 10;
    flow.event.bytes = 5000000000ull;
    json = flowToJson(flow);
    STRCMP_EQUAL("flow-close", json["kind"].get<std::string>().c_str());
    STRCMP_EQUAL("finished", json["close"].get<std::string>().c_str());
    CHECK_FALSE(json.contains("frontend"));
    LONGS_EQUAL(10, json["packets"].get<long>());
    CHECK(5000000000ull == json["bytes"].get<std::uint64_t>());

    flow.event.closeCause = observe::CloseCause::IdleTimeout;
    STRCMP_EQUAL("idle-timeout", flowToJson(flow)["close"].get<std::string>().c_str());
    // Only close records say why a flow closed.
    for (auto kind : {observe::FlowEventKind::FlowOpen, observe::FlowEventKind::ServiceTranslation,
                      observe::FlowEventKind::PolicyVerdict, observe::FlowEventKind::Drop}) {
        flow.event.kind = kind;
        CHECK_FALSE(flowToJson(flow).contains("close"));
    }
}

TEST(FlowJson, UnknownNumbersStayReadable) {
    observe::EnrichedFlow flow = deniedVerdict();
    flow.event.protocol = 47;
    flow.event.dropReason = 999;
    auto json = flowToJson(flow);
    STRCMP_EQUAL("47", json["protocol"].get<std::string>().c_str());
    STRCMP_EQUAL("reason_999", json["dropReason"].get<std::string>().c_str());
    CHECK_FALSE(json["src"].contains("port"));  // only TCP and UDP have ports
}

TEST(FlowJson, ANameThatIsNotUtf8IsReplacedNotThrown) {
    observe::EnrichedFlow flow = allowedVerdict();
    flow.src.podName = "bad\xff";
    std::string line = flowJsonLine(flow);
    CHECK(line.find("\"pod\":\"bad\xef\xbf\xbd\"") != std::string::npos);
}
