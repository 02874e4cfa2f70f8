#include <CppUTest/TestHarness.h>

#include "policy/cidr_classes.h"

using namespace nodeplane;
using namespace nodeplane::policy;

namespace {

IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }
IpAddress ip(const char* text) { return *IpAddress::parse(text); }

std::string classOf(const CidrClasses& c, const char* address) {
    auto cls = c.classOf(ip(address));
    return cls ? cls->toString() : "none";
}

}  // namespace

TEST_GROUP(CidrClasses){};

TEST(CidrClasses, TheLongestListedPrefixIsTheClass) {
    CidrClasses c({prefix("10.0.0.0/8"), prefix("10.1.0.0/16"), prefix("10.1.2.3/32"), prefix("fd00::/8")});
    STRCMP_EQUAL("10.1.2.3/32", classOf(c, "10.1.2.3").c_str());
    STRCMP_EQUAL("10.1.0.0/16", classOf(c, "10.1.2.4").c_str());
    STRCMP_EQUAL("10.0.0.0/8", classOf(c, "10.2.0.1").c_str());
    STRCMP_EQUAL("none", classOf(c, "11.0.0.1").c_str());
    STRCMP_EQUAL("fd00::/8", classOf(c, "fd12::1").c_str());
    STRCMP_EQUAL("none", classOf(CidrClasses({}), "10.0.0.1").c_str());
}

TEST(CidrClasses, InBlockHonoursExcept) {
    state::IpBlock block{prefix("10.0.0.0/8"), {prefix("10.1.0.0/16")}};
    CidrClasses c({prefix("10.0.0.0/8"), prefix("10.1.0.0/16"), prefix("10.1.2.0/24"), prefix("0.0.0.0/0")});
    // Addresses of class 10/8 are in 10/8 and not in 10.1/16: in the block.
    CHECK(CidrClasses::inBlock(prefix("10.0.0.0/8"), block));
    // 10.1/16 and anything deeper is excepted.
    CHECK_FALSE(CidrClasses::inBlock(prefix("10.1.0.0/16"), block));
    CHECK_FALSE(CidrClasses::inBlock(prefix("10.1.2.0/24"), block));
    // Class 0/0 is everything not in a longer listed prefix: outside 10/8.
    CHECK_FALSE(CidrClasses::inBlock(prefix("0.0.0.0/0"), block));
    CHECK_FALSE(CidrClasses::inBlock(prefix("fd00::/8"), block));
}

TEST(CidrClasses, HostBitsInAListedPrefixAreIgnored) {
    CidrClasses c({IpPrefix{ip("10.1.2.3"), 16}});
    STRCMP_EQUAL("10.1.0.0/16", classOf(c, "10.1.200.1").c_str());
}
