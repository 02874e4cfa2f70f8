// The JSON line of one policy log record: GKE's fields, in GKE's shapes for
// pods, nodes and other addresses, only the fields that apply.
#include <CppUTest/TestHarness.h>

#include "flows.h"
#include "policylog/policy_record.h"

using namespace policylog_test;
using nodeplane::policylog::formatRfc3339Nano;
using nodeplane::policylog::PolicyRecord;
using nodeplane::policylog::protocolName;
using nodeplane::policylog::recordJson;

TEST_GROUP(PolicyRecord){};

TEST(PolicyRecord, AllowBetweenPods) {
    PolicyRecord record{allowedByNp(), 1, "node-a"};
    STRCMP_EQUAL(
        "{\"connection\":{\"src_ip\":\"10.84.1.7\",\"dest_ip\":\"10.84.0.11\",\"src_port\":55644,\"dest_port\":8080,"
        "\"protocol\":\"tcp\",\"direction\":\"ingress\"},\"disposition\":\"allow\","
        "\"policies\":[{\"name\":\"allow-client\",\"namespace\":\"shop\",\"kind\":\"NetworkPolicy\"}],"
        "\"src\":{\"pod_name\":\"client-7b78d7c957-zkn54\",\"workload_kind\":\"ReplicaSet\","
        "\"workload_name\":\"client-7b78d7c957\",\"pod_namespace\":\"default\",\"namespace\":\"default\"},"
        "\"dest\":{\"pod_name\":\"web-745c798fc9-hzpxt\",\"workload_kind\":\"Deployment\",\"workload_name\":\"web\","
        "\"pod_namespace\":\"shop\",\"namespace\":\"shop\"},"
        "\"count\":1,\"node_name\":\"node-a\",\"timestamp\":\"2020-06-13T21:29:31.445836587Z\"}",
        recordJson(record).c_str());
}

TEST(PolicyRecord, DenyHasNoPoliciesAndCarriesTheCount) {
    EnrichedFlow flow = denied();
    flow.policies.push_back(PolicyRef{"ignored", "shop", "NetworkPolicy"});  // denials name no policy
    PolicyRecord record{flow, 17, "node-a"};
    STRCMP_EQUAL(
        "{\"connection\":{\"src_ip\":\"10.84.1.8\",\"dest_ip\":\"10.84.0.11\",\"src_port\":45084,\"dest_port\":8080,"
        "\"protocol\":\"tcp\",\"direction\":\"ingress\"},\"disposition\":\"deny\","
        "\"src\":{\"pod_name\":\"client-deny\",\"pod_namespace\":\"default\",\"namespace\":\"default\"},"
        "\"dest\":{\"pod_name\":\"web-745c798fc9-hzpxt\",\"workload_kind\":\"Deployment\",\"workload_name\":\"web\","
        "\"pod_namespace\":\"shop\",\"namespace\":\"shop\"},"
        "\"count\":17,\"node_name\":\"node-a\",\"timestamp\":\"2020-06-13T21:29:31.445836587Z\"}",
        recordJson(record).c_str());
}

TEST(PolicyRecord, NodeAndOtherPeers) {
    EnrichedFlow flow = verdict(true, node("10.128.0.9", "node-b"), 40000, other("203.0.113.5"), 443,
                                PolicyDirection::Egress);
    flow.policies.push_back(PolicyRef{"cluster-wide", "", "AdminNetworkPolicy"});
    PolicyRecord record{flow, 1, ""};
    STRCMP_EQUAL(
        "{\"connection\":{\"src_ip\":\"10.128.0.9\",\"dest_ip\":\"203.0.113.5\",\"src_port\":40000,\"dest_port\":443,"
        "\"protocol\":\"tcp\",\"direction\":\"egress\"},\"disposition\":\"allow\","
        "\"policies\":[{\"name\":\"cluster-wide\",\"kind\":\"AdminNetworkPolicy\"}],"
        "\"src\":{\"node_name\":\"node-b\",\"workload_kind\":\"Node\"},"
        "\"dest\":{\"instance\":\"203.0.113.5\"},"
        "\"count\":1,\"timestamp\":\"2020-06-13T21:29:31.445836587Z\"}",
        recordJson(record).c_str());
}

TEST(PolicyRecord, IcmpHasNoPorts) {
    EnrichedFlow flow = denied();
    flow.event.protocol = IPPROTO_ICMP;
    flow.event.srcPort = 0;
    flow.event.dstPort = 0;
    flow.src = other("192.0.2.1");
    flow.event.src = flow.src.address;
    PolicyRecord record{flow, 1, "node-a"};
    STRCMP_EQUAL(
        "{\"connection\":{\"src_ip\":\"192.0.2.1\",\"dest_ip\":\"10.84.0.11\",\"protocol\":\"icmp\","
        "\"direction\":\"ingress\"},\"disposition\":\"deny\",\"src\":{\"instance\":\"192.0.2.1\"},"
        "\"dest\":{\"pod_name\":\"web-745c798fc9-hzpxt\",\"workload_kind\":\"Deployment\",\"workload_name\":\"web\","
        "\"pod_namespace\":\"shop\",\"namespace\":\"shop\"},"
        "\"count\":1,\"node_name\":\"node-a\",\"timestamp\":\"2020-06-13T21:29:31.445836587Z\"}",
        recordJson(record).c_str());
}

TEST(PolicyRecord, Ipv6AndUdp) {
    EnrichedFlow flow = verdict(false, other("2001:db8::1"), 5353, other("fd00::2"), 53);
    flow.event.protocol = IPPROTO_UDP;
    std::string json = recordJson(PolicyRecord{flow, 1, ""});
    CHECK(json.find("\"src_ip\":\"2001:db8::1\",\"dest_ip\":\"fd00::2\",\"src_port\":5353,\"dest_port\":53,"
                    "\"protocol\":\"udp\"") != std::string::npos);
}

TEST(PolicyRecord, ProtocolNames) {
    STRCMP_EQUAL("tcp", protocolName(IPPROTO_TCP).c_str());
    STRCMP_EQUAL("udp", protocolName(IPPROTO_UDP).c_str());
    STRCMP_EQUAL("icmp", protocolName(IPPROTO_ICMP).c_str());
    STRCMP_EQUAL("icmpv6", protocolName(IPPROTO_ICMPV6).c_str());
    STRCMP_EQUAL("sctp", protocolName(IPPROTO_SCTP).c_str());
    STRCMP_EQUAL("47", protocolName(47).c_str());
}

TEST(PolicyRecord, TimestampsDropTrailingZerosLikeGo) {
    using std::chrono::nanoseconds;
    const auto whole = std::chrono::system_clock::time_point(std::chrono::seconds(1592083860));
    STRCMP_EQUAL("2020-06-13T21:31:00Z", formatRfc3339Nano(whole).c_str());
    STRCMP_EQUAL("2020-06-13T21:31:00.000000001Z", formatRfc3339Nano(whole + nanoseconds(1)).c_str());
    STRCMP_EQUAL("2020-06-13T21:31:00.5Z", formatRfc3339Nano(whole + nanoseconds(500000000)).c_str());
    STRCMP_EQUAL("2020-06-13T21:31:00.12Z", formatRfc3339Nano(whole + nanoseconds(120000000)).c_str());
}

TEST(PolicyRecord, InvalidUtf8InANameIsReplacedNotThrown) {
    EnrichedFlow flow = denied();
    flow.src.podName = "bad\xff";
    std::string json = recordJson(PolicyRecord{flow, 1, ""});
    CHECK(json.find("\"pod_name\":\"bad\xEF\xBF\xBD\"") != std::string::npos);
}
