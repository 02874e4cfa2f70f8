#include <CppUTest/TestHarness.h>

#include "common/ip.h"

using nodeplane::IpAddress;
using nodeplane::IpPrefix;

TEST_GROUP(IpAddress){};

TEST(IpAddress, ParsesBothFamiliesAndRoundTrips) {
    auto v4 = IpAddress::parse("10.200.1.10");
    CHECK(v4.has_value());
    CHECK(v4->isV4());
    STRCMP_EQUAL("10.200.1.10", v4->toString().c_str());
    auto v6 = IpAddress::parse("fd00::1");
    CHECK(v6.has_value());
    CHECK_FALSE(v6->isV4());
    STRCMP_EQUAL("fd00::1", v6->toString().c_str());
}

TEST(IpAddress, RefusesShorthandsAndGarbage) {
    CHECK_FALSE(IpAddress::parse("10.1").has_value());
    CHECK_FALSE(IpAddress::parse("256.1.1.1").has_value());
    CHECK_FALSE(IpAddress::parse("").has_value());
    CHECK_FALSE(IpAddress::parse("10.0.0.1 ").has_value());
}

TEST(IpAddress, V4NetworkOrderMatchesDatapath) {
    auto ip = IpAddress::parse("10.0.0.1");
    std::uint32_t n = ip->v4Network();
    const auto* bytes = reinterpret_cast<const unsigned char*>(&n);
    LONGS_EQUAL(10, bytes[0]);
    LONGS_EQUAL(1, bytes[3]);
    CHECK(IpAddress::v4(0x0a000001) == *ip);
}

TEST_GROUP(IpPrefix){};

TEST(IpPrefix, ParsesAndContains) {
    auto p = IpPrefix::parse("10.200.1.0/24");
    CHECK(p.has_value());
    CHECK(p->contains(*IpAddress::parse("10.200.1.77")));
    CHECK_FALSE(p->contains(*IpAddress::parse("10.200.2.1")));
    CHECK_FALSE(p->contains(*IpAddress::parse("fd00::1")));
    STRCMP_EQUAL("10.200.1.0/24", p->toString().c_str());
}

TEST(IpPrefix, RefusesHostBitsLengthsAndMissingSlash) {
    CHECK_FALSE(IpPrefix::parse("10.200.1.1/24").has_value());
    CHECK(IpPrefix::parse("10.200.1.1/24", true).has_value());
    CHECK_FALSE(IpPrefix::parse("10.0.0.0/33").has_value());
    CHECK_FALSE(IpPrefix::parse("10.0.0.0/").has_value());
    CHECK_FALSE(IpPrefix::parse("10.0.0.0").has_value());
    CHECK_FALSE(IpPrefix::parse("10.0.0.0/8x").has_value());
    CHECK(IpPrefix::parse("fd00::/8").has_value());
    CHECK(IpPrefix::parse("0.0.0.0/0").has_value());
}
