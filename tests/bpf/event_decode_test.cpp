// Decoding np_event records (bpf/include/nodeplane/abi/events.h) into
// observe::FlowEvent: pure, no root. Records are built field by field as the
// datapath writes them.
#include <CppUTest/TestHarness.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "datapath/events.h"
#include "nodeplane/abi/drop_reasons.h"
#include "nodeplane/abi/events.h"
#include "nodeplane/abi/policy.h"

using namespace nodeplane;
using observe::FlowEventKind;

namespace {

np_event ipv4Record(std::uint8_t type, const char* src, const char* dst) {
    np_event raw{};
    raw.timestamp_ns = 5'000'000'000ull;  // 5 s after boot
    raw.type = type;
    raw.family = NP_FAMILY_IPV4;
    raw.protocol = IPPROTO_TCP;
    ::inet_pton(AF_INET, src, raw.saddr);
    ::inet_pton(AF_INET, dst, raw.daddr);
    raw.sport = htons(40000);
    raw.dport = htons(8080);
    raw.ifindex = 7;
    raw.len = 74;
    return raw;
}

}  // namespace

TEST_GROUP(EventDecode) {};

TEST(EventDecode, APolicyDenialKeepsItsIdsTupleAndTime) {
    np_event raw = ipv4Record(NP_EVENT_POLICY_VERDICT, "10.200.2.20", "10.200.1.11");
    raw.direction = NP_POLICY_EGRESS;
    raw.allowed = 0;
    raw.reason = NP_DROP_POLICY_DENIED;
    raw.endpoint_id = 2;
    raw.remote_identity = 400;
    const auto offset = std::chrono::seconds(1'700'000'000);  // boot at that wall-clock second
    auto e = datapath::decodeEvent(&raw, sizeof(raw), offset);
    CHECK_TRUE(e.ok());
    CHECK_TRUE(e->kind == FlowEventKind::PolicyVerdict);
    CHECK_TRUE(e->direction == observe::PolicyDirection::Egress);
    CHECK_FALSE(e->allowed);
    LONGS_EQUAL(NP_DROP_POLICY_DENIED, e->dropReason);
    LONGS_EQUAL(2, e->endpointId);
    LONGS_EQUAL(400, e->remoteIdentity);
    STRCMP_EQUAL("10.200.2.20", e->src.toString().c_str());
    STRCMP_EQUAL("10.200.1.11", e->dst.toString().c_str());
    LONGS_EQUAL(40000, e->srcPort);
    LONGS_EQUAL(8080, e->dstPort);
    LONGS_EQUAL(7, e->ifindex);
    LONGS_EQUAL(74, e->length);
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(e->time.time_since_epoch());
    CHECK_TRUE(ns == std::chrono::seconds(1'700'000'005));
}

TEST(EventDecode, AServiceRecordNamesTheFrontendApartFromTheBackend) {
    np_event raw = ipv4Record(NP_EVENT_SERVICE_TRANSLATION, "10.200.1.10", "10.200.1.11");
    ::inet_pton(AF_INET, "10.96.0.10", raw.orig_daddr);
    raw.orig_dport = htons(80);
    raw.rev_nat_id = 3;
    auto e = datapath::decodeEvent(&raw, sizeof(raw), {});
    CHECK_TRUE(e.ok());
    CHECK_TRUE(e->kind == FlowEventKind::ServiceTranslation);
    STRCMP_EQUAL("10.96.0.10", e->frontend.toString().c_str());
    LONGS_EQUAL(80, e->frontendPort);
    STRCMP_EQUAL("10.200.1.11", e->dst.toString().c_str());
    LONGS_EQUAL(8080, e->dstPort);
    LONGS_EQUAL(3, e->revNatId);
    CHECK_TRUE(e->allowed);
}

TEST(EventDecode, IPv6AddressesUseAllSixteenBytes) {
    np_event raw{};
    raw.type = NP_EVENT_DROP;
    raw.family = NP_FAMILY_IPV6;
    raw.reason = NP_DROP_MALFORMED;
    ::inet_pton(AF_INET6, "fd00::1", raw.saddr);
    ::inet_pton(AF_INET6, "fd00::2", raw.daddr);
    auto e = datapath::decodeEvent(&raw, sizeof(raw), {});
    CHECK_TRUE(e.ok());
    STRCMP_EQUAL("fd00::1", e->src.toString().c_str());
    STRCMP_EQUAL("fd00::2", e->dst.toString().c_str());
    CHECK_FALSE(e->allowed);
    LONGS_EQUAL(NP_DROP_MALFORMED, e->dropReason);
}

TEST(EventDecode, ShortAndUnknownRecordsAreRefusedLongerOnesReadByTheirPrefix) {
    np_event raw = ipv4Record(NP_EVENT_FLOW_OPEN, "10.0.0.1", "10.0.0.2");
    CHECK_FALSE(datapath::decodeEvent(&raw, sizeof(raw) - 1, {}).ok());
    CHECK_FALSE(datapath::decodeEvent(nullptr, 0, {}).ok());
    raw.type = 99;
    CHECK_FALSE(datapath::decodeEvent(&raw, sizeof(raw), {}).ok());
    raw.type = 0;
    CHECK_FALSE(datapath::decodeEvent(&raw, sizeof(raw), {}).ok());

    raw.type = NP_EVENT_FLOW_CLOSE;
    raw.packets = 12;
    raw.bytes = 3400;
    std::vector<unsigned char> longer(sizeof(raw) + 16, 0xab);
    std::memcpy(longer.data(), &raw, sizeof(raw));
    auto e = datapath::decodeEvent(longer.data(), longer.size(), {});
    CHECK_TRUE(e.ok());
    CHECK_TRUE(e->kind == FlowEventKind::FlowClose);
    CHECK_TRUE(e->closeCause == observe::CloseCause::Finished);  // the datapath's are FIN or RST
    LONGS_EQUAL(12, e->packets);
    LONGS_EQUAL(3400, e->bytes);
}
