#include <CppUTest/TestHarness.h>

#include "config/listen_address.h"

using nodeplane::IpAddress;
using nodeplane::config::parseListenAddress;

TEST_GROUP(ListenAddress){};

TEST(ListenAddress, ParsesIpv4AndBracketedIpv6) {
    auto v4 = parseListenAddress("0.0.0.0:10256");
    CHECK(v4.ok());
    CHECK(v4->ip == *IpAddress::parse("0.0.0.0"));
    LONGS_EQUAL(10256, v4->port);
    STRCMP_EQUAL("0.0.0.0:10256", v4->toString().c_str());

    auto v6 = parseListenAddress("[fd00::1]:65535");
    CHECK(v6.ok());
    CHECK(v6->ip == *IpAddress::parse("fd00::1"));
    LONGS_EQUAL(65535, v6->port);
    STRCMP_EQUAL("[fd00::1]:65535", v6->toString().c_str());
}

TEST(ListenAddress, RefusesWhatIsNotIpColonPort) {
    const char* bad[] = {"",          "10256",         ":10256",       "0.0.0.0:",     "0.0.0.0:+80",
                         "0.0.0.0:8a", "localhost:80", "::1:80",       "[::1]80",      "[10.0.0.1]:80",
                         "[::1:80",    "0.0.0.0: 80",  "0.0.0.0:80 ",  "1.2.3:80"};
    for (const char* text : bad) {
        auto parsed = parseListenAddress(text);
        CHECK_TEXT(!parsed.ok(), text);
        STRCMP_EQUAL(("'" + std::string(text) + "' is not IP:port (an IPv6 address in brackets: [::]:10256)").c_str(),
                     parsed.error().message.c_str());
    }
}

TEST(ListenAddress, RefusesPortsOutOfRange) {
    STRCMP_EQUAL("port 0 is out of range 1-65535", parseListenAddress("0.0.0.0:0").error().message.c_str());
    STRCMP_EQUAL("port 65536 is out of range 1-65535", parseListenAddress("[::]:65536").error().message.c_str());
    STRCMP_EQUAL("port 99999999999 is out of range 1-65535",
                 parseListenAddress("[::]:99999999999").error().message.c_str());
}
