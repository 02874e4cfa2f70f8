// Root: one ageing pass against the real np_conntrack_v2 of a scratch
// datapath. Entries are written raw with bpf_map_update_elem, as the
// datapath lays them out, with their age faked through last_seen_ns in the
// past; after the pass exactly the expired flows are gone, read back raw.
#include <CppUTest/TestHarness.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>

#include <cstring>
#include <memory>
#include <set>
#include <string>

#include "common/unique_fd.h"
#include "daemon/conntrack_gc.h"
#include "datapath/abi.h"
#include "support/datapath_fixture.h"
#include "support/or_fail.h"

using namespace nodeplane;
using namespace nodeplane::daemon;

namespace {

constexpr std::uint64_t kSecond = 1'000'000'000;
constexpr std::uint8_t kSyn = 0x02, kAck = 0x10, kFin = 0x01;

void putV4(std::uint8_t (&out)[16], const char* text) {
    std::memset(out, 0, sizeof out);
    if (::inet_pton(AF_INET, text, out) != 1) FAIL((std::string("bad address in test: ") + text).c_str());
}

np_ct_key keyOf(std::uint8_t protocol, std::uint8_t direction, const char* src, std::uint16_t sport, const char* dst,
                std::uint16_t dport) {
    np_ct_key k{};
    k.family = NP_FAMILY_IPV4;
    k.protocol = protocol;
    k.direction = direction;
    k.sport = htons(sport);
    k.dport = htons(dport);
    putV4(k.saddr, src);
    putV4(k.daddr, dst);
    return k;
}

// A key as text, to compare sets and print what differs.
std::string describe(const np_ct_key& k) {
    char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, k.saddr, s, sizeof s);
    ::inet_ntop(AF_INET, k.daddr, d, sizeof d);
    return std::string(k.protocol == IPPROTO_TCP ? "tcp " : "udp ") + s + ":" + std::to_string(ntohs(k.sport)) +
           " -> " + d + ":" + std::to_string(ntohs(k.dport)) + (k.direction == NP_CT_REPLY ? " reply" : " original");
}

struct RawFlow {
    np_ct_key originalKey, replyKey;
    np_ct_value original, reply;
};

// Client 10.200.1.10:port to 10.96.0.10:80 (rev-NAT 3), backend 7 at
// 10.200.1.11:8080, created `ageSeconds` ago, as np_ct_create_v4 writes it.
RawFlow flow(std::uint8_t protocol, std::uint16_t clientPort, std::uint64_t ageSeconds, std::uint64_t nowNs) {
    RawFlow f{};
    f.originalKey = keyOf(protocol, NP_CT_ORIGINAL, "10.200.1.10", clientPort, "10.96.0.10", 80);
    f.replyKey = keyOf(protocol, NP_CT_REPLY, "10.200.1.11", 8080, "10.200.1.10", clientPort);
    f.original.created_ns = f.original.last_seen_ns = nowNs - ageSeconds * kSecond;
    f.original.rev_nat_id = 3;
    f.original.backend_id = 7;
    f.original.tcp_flags = protocol == IPPROTO_TCP ? kSyn : 0;
    f.reply = f.original;
    f.reply.tcp_flags = 0;
    return f;
}

// The backend answered `idleSeconds` ago, and so did the client.
RawFlow answered(RawFlow f, std::uint64_t idleSeconds, std::uint64_t nowNs) {
    f.original.last_seen_ns = f.reply.last_seen_ns = nowNs - idleSeconds * kSecond;
    if (f.originalKey.protocol == IPPROTO_TCP) {
        f.original.tcp_flags |= kAck;
        f.reply.tcp_flags = kSyn | kAck;
    }
    return f;
}

// Source NAT to 192.168.50.2:natPort: the REPLY is keyed there and keeps
// the client's own address.
RawFlow masqueraded(RawFlow f, std::uint16_t natPort) {
    f.original.flags |= NP_CT_F_SNAT;
    f.reply.flags |= NP_CT_F_SNAT;
    putV4(f.original.nat_addr, "192.168.50.2");
    f.original.nat_port = htons(natPort);
    putV4(f.reply.nat_addr, "10.200.1.10");
    f.reply.nat_port = f.originalKey.sport;
    f.replyKey = keyOf(f.replyKey.protocol, NP_CT_REPLY, "10.200.1.11", 8080, "192.168.50.2", natPort);
    return f;
}

}  // namespace

TEST_GROUP(ConntrackGcOnTheRealMap) {
    std::unique_ptr<test::DatapathFixture> node;
    UniqueFd map;
    std::uint64_t now = 0;

    void setup() override {
        datapath::Options options;
        options.maxConntrack = 1024;
        node = test::orFail([&] { return std::make_unique<test::DatapathFixture>(options); });
        const std::string pin = node->bpffs() + "/nodeplane/maps/" NP_MAP_CONNTRACK;
        map.reset(::bpf_obj_get(pin.c_str()));
        CHECK_TEXT(map.valid(), ("cannot open " + pin).c_str());
        auto& dp = node->datapath();
        const datapath::Backend backend{*IpAddress::parse("10.200.1.11"), 8080, datapath::L4Protocol::Tcp, true, false};
        CHECK(dp.backends().upsert(7, backend).ok());
        CHECK(dp.revNat().upsert(3, {*IpAddress::parse("10.96.0.10"), 80}).ok());
        now = monotonicNowNs();
    }
    void teardown() override {
        map.reset();
        node.reset();
    }

    void write(const np_ct_key& key, const np_ct_value& value) {
        LONGS_EQUAL_TEXT(0, ::bpf_map_update_elem(map.get(), &key, &value, BPF_NOEXIST), describe(key).c_str());
    }
    void write(const RawFlow& f) {
        write(f.replyKey, f.reply);  // REPLY first, as the datapath does
        write(f.originalKey, f.original);
    }

    std::set<std::string> keysInMap() {
        std::set<std::string> out;
        np_ct_key key{}, next{};
        const np_ct_key* previous = nullptr;
        while (::bpf_map_get_next_key(map.get(), previous, &next) == 0) {
            out.insert(describe(next));
            key = next;
            previous = &key;
        }
        return out;
    }

    GcPassReport pass() {
        auto& dp = node->datapath();
        auto report = runConntrackGcPass({dp.conntrack(), dp.backends(), dp.revNat()}, ConntrackTimeouts{});
        CHECK_TEXT(report.ok(), report.ok() ? "" : report.error().message.c_str());
        return report.ok() ? *report : GcPassReport{};
    }
};

TEST(ConntrackGcOnTheRealMap, OnePassRemovesExactlyTheExpiredFlows) {
    const RawFlow synExpired = flow(IPPROTO_TCP, 40001, 61, now);
    const RawFlow synLive = flow(IPPROTO_TCP, 40002, 50, now);
    const RawFlow establishedIdle = answered(flow(IPPROTO_TCP, 40003, 7200, now), 3600, now);
    RawFlow closingExpired = answered(flow(IPPROTO_TCP, 40004, 300, now), 61, now);
    closingExpired.original.tcp_flags |= kFin;
    closingExpired.original.flags |= NP_CT_F_CLOSING;
    RawFlow closingLive = answered(flow(IPPROTO_TCP, 40005, 300, now), 40, now);
    closingLive.reply.tcp_flags |= kFin;
    closingLive.reply.flags |= NP_CT_F_CLOSING;
    const RawFlow udpUnreplied = flow(IPPROTO_UDP, 5001, 31, now);
    const RawFlow udpRepliedLive = answered(flow(IPPROTO_UDP, 5002, 200, now), 100, now);
    const RawFlow udpRepliedExpired = answered(flow(IPPROTO_UDP, 5003, 200, now), 121, now);
    const RawFlow natExpired = masqueraded(flow(IPPROTO_TCP, 40006, 70, now), 61006);
    RawFlow natLive = masqueraded(answered(flow(IPPROTO_TCP, 40007, 7200, now), 600, now), 61007);
    natLive.reply.last_seen_ns = now - 2 * kSecond;  // the backend still sends
    const RawFlow orphan = flow(IPPROTO_TCP, 40008, 61, now);

    using Flows = std::initializer_list<const RawFlow*>;
    for (const RawFlow* f : Flows{&synExpired, &synLive, &establishedIdle, &closingExpired, &closingLive,
                                  &udpUnreplied, &udpRepliedLive, &udpRepliedExpired, &natExpired, &natLive})
        write(*f);
    write(orphan.originalKey, orphan.original);  // its REPLY was evicted

    std::set<std::string> expected;
    for (const RawFlow* f : Flows{&synLive, &establishedIdle, &closingLive, &udpRepliedLive, &natLive}) {
        expected.insert(describe(f->originalKey));
        expected.insert(describe(f->replyKey));
    }

    GcPassReport report = pass();
    LONGS_EQUAL(21, report.seen);
    LONGS_EQUAL(11, report.removed);
    std::set<std::string> left = keysInMap();
    std::string leftText;
    for (const auto& k : left) leftText += k + "\n";
    CHECK_TEXT(expected == left, ("left in the map:\n" + leftText).c_str());
    auto removed = [&](FlowState s) { return report.removedByState[static_cast<std::size_t>(s)]; };
    LONGS_EQUAL(5, removed(FlowState::TcpSynSent));  // two flows and the orphan
    LONGS_EQUAL(0, removed(FlowState::TcpEstablished));
    LONGS_EQUAL(2, removed(FlowState::TcpClosing));
    LONGS_EQUAL(2, removed(FlowState::Unreplied));
    LONGS_EQUAL(2, removed(FlowState::Replied));
}

TEST(ConntrackGcOnTheRealMap, TheTypedTableLooksUpErasesAndKnowsItsSize) {
    auto& table = node->datapath().conntrack();
    auto capacity = table.capacity();
    CHECK(capacity.ok());
    LONGS_EQUAL(1024, *capacity);

    const RawFlow f = masqueraded(answered(flow(IPPROTO_TCP, 40001, 10, now), 5, now), 61001);
    write(f);
    datapath::ConntrackKey replyKey{datapath::ConntrackDirection::Reply, datapath::L4Protocol::Tcp,
                                    *IpAddress::parse("10.200.1.11"), 8080, *IpAddress::parse("192.168.50.2"), 61001};
    auto found = table.lookup(replyKey);
    CHECK_TEXT(found.ok(), found.ok() ? "" : found.error().message.c_str());
    CHECK(found->has_value());
    const auto& reply = **found;
    CHECK(reply.snat);
    STRCMP_EQUAL("10.200.1.10", reply.natAddress.toString().c_str());
    LONGS_EQUAL(40001, reply.natPort);
    CHECK(reply.lastSeenNs == now - 5 * kSecond);
    LONGS_EQUAL(kSyn | kAck, reply.tcpFlags);

    std::size_t visited = 0;
    CHECK(table.forEach([&](const datapath::ConntrackEntry&) -> Status {
                   ++visited;
                   return {};
               }).ok());
    LONGS_EQUAL(2, visited);

    auto erased = table.erase(replyKey);
    CHECK(erased.ok() && *erased);
    erased = table.erase(replyKey);
    CHECK(erased.ok() && !*erased);  // already gone
    found = table.lookup(replyKey);
    CHECK(found.ok() && !found->has_value());
    LONGS_EQUAL(1, keysInMap().size());
}
