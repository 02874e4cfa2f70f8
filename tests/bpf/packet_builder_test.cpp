// The packet builder and inspector, checked against bytes worked out by hand
// so the BPF tests can trust what they build and read back. No root needed.
#include <CppUTest/TestHarness.h>

#include <stdexcept>

#include "support/checksum.h"
#include "support/packet_builder.h"
#include "support/packet_view.h"

using namespace nodeplane::test;

TEST_GROUP(Checksum){};

TEST(Checksum, MatchesAWorkedIpv4Header) {
    // 192.168.0.1 -> 192.168.0.199, UDP, TTL 64, DF, id 0, total length 115:
    // the header checksum is 0xb861 (a widely used worked example).
    const std::uint8_t header[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                   0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    LONGS_EQUAL(0xb861, internetChecksum(header, sizeof header));
}

TEST(Checksum, PadsAnOddTrailingByte) {
    const std::uint8_t odd[] = {0x01, 0x02, 0x03};
    // 0x0102 + 0x0300 = 0x0402, inverted.
    LONGS_EQUAL(0xfbfd, internetChecksum(odd, sizeof odd));
}

TEST_GROUP(PacketBuilder){};

TEST(PacketBuilder, BuildsTcpOverIpv4WithValidChecksums) {
    auto frame = PacketBuilder()
                     .eth("02:00:00:00:00:0a", "02:00:00:00:00:0b")
                     .ipv4("10.200.1.10", "10.200.1.11", 17)
                     .tcp(40000, 8080, tcp_flags::kSyn)
                     .payload("hello")
                     .build();
    LONGS_EQUAL(14 + 20 + 20 + 5, frame.size());
    PacketView view(frame);
    STRCMP_EQUAL("02:00:00:00:00:0b", formatMac(view.ethDst()).c_str());
    STRCMP_EQUAL("02:00:00:00:00:0a", formatMac(view.ethSrc()).c_str());
    LONGS_EQUAL(0x0800, view.ethType());
    STRCMP_EQUAL("10.200.1.10", view.ipv4Src().c_str());
    STRCMP_EQUAL("10.200.1.11", view.ipv4Dst().c_str());
    LONGS_EQUAL(17, view.ttl());
    LONGS_EQUAL(6, view.protocol());
    LONGS_EQUAL(45, view.totalLength());
    LONGS_EQUAL(40000, view.srcPort());
    LONGS_EQUAL(8080, view.dstPort());
    CHECK(view.ipv4ChecksumValid());
    CHECK(view.l4ChecksumValid());
}

TEST(PacketBuilder, ChecksumChecksNoticeAFlippedBit) {
    auto frame = PacketBuilder().eth("02:00:00:00:00:0a", "02:00:00:00:00:0b")
                     .ipv4("10.0.0.1", "10.0.0.2").udp(53, 53).payload("x").build();
    CHECK(PacketView(frame).ipv4ChecksumValid());
    CHECK(PacketView(frame).l4ChecksumValid());
    auto ttlFlipped = frame;
    ttlFlipped[14 + 8] ^= 0x01;
    CHECK_FALSE(PacketView(ttlFlipped).ipv4ChecksumValid());
    auto payloadFlipped = frame;
    payloadFlipped.back() ^= 0x01;
    CHECK_FALSE(PacketView(payloadFlipped).l4ChecksumValid());
}

TEST(PacketBuilder, BuildsIcmpEchoArpAndIpv6) {
    PacketView icmp(PacketBuilder().eth("02:00:00:00:00:0a", "02:00:00:00:00:0b")
                        .ipv4("10.0.0.1", "10.0.0.2").icmpEcho(7, 1).payload("ping").build());
    LONGS_EQUAL(1, icmp.protocol());
    CHECK(icmp.l4ChecksumValid());

    auto arp = PacketBuilder().eth("02:00:00:00:00:0a", "ff:ff:ff:ff:ff:ff")
                   .arpRequest(parseMac("02:00:00:00:00:0a"), "10.0.0.1", "169.254.1.1").build();
    LONGS_EQUAL(14 + 28, arp.size());
    LONGS_EQUAL(0x0806, PacketView(arp).ethType());
    LONGS_EQUAL(169, arp[14 + 24]);  // target protocol address

    auto v6 = PacketBuilder().eth("02:00:00:00:00:0a", "02:00:00:00:00:0b")
                  .ipv6("fd00::1", "fd00::2").udp(1, 2).build();
    LONGS_EQUAL(14 + 40 + 8, v6.size());
    LONGS_EQUAL(0x86dd, PacketView(v6).ethType());
    LONGS_EQUAL(8, v6[14 + 5]);  // payload length, low byte
}

TEST(PacketBuilder, DamageIsExactlyWhatWasAskedFor) {
    auto base = PacketBuilder().eth("02:00:00:00:00:0a", "02:00:00:00:00:0b").ipv4("10.0.0.1", "10.0.0.2").udp(1, 2);
    PacketView shortIhl(PacketBuilder(base).ipv4HeaderWords(4).build());
    LONGS_EQUAL(0x44, shortIhl.bytes()[14]);
    PacketView longTotal(PacketBuilder(base).ipv4TotalLength(500).build());
    LONGS_EQUAL(500, longTotal.totalLength());
    CHECK(longTotal.ipv4ChecksumValid());  // only the named field is wrong
    auto cut = PacketBuilder(base).truncateTo(24).build();
    LONGS_EQUAL(24, cut.size());
    PacketView withOptions(PacketBuilder(base).ipv4Options({0x01, 0x01, 0x01, 0x00}).build());
    LONGS_EQUAL(24, withOptions.ipv4HeaderLength());
    CHECK(withOptions.ipv4ChecksumValid());
    CHECK(withOptions.l4ChecksumValid());
}

TEST(PacketBuilder, RefusesBadAddresses) {
    CHECK_THROWS(std::invalid_argument, parseMac("02:00:00:00:00"));
    CHECK_THROWS(std::invalid_argument, PacketBuilder().ipv4("10.0.0", "10.0.0.1"));
    CHECK_THROWS(std::logic_error, PacketBuilder().ipv4("10.0.0.1", "10.0.0.2").build());
}
