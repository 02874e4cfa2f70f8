#include <CppUTest/TestHarness.h>

#include <string>

#include "policy/port_ranges.h"

using namespace nodeplane::policy;

namespace {

std::string render(const std::vector<PortPrefix>& prefixes) {
    std::string out;
    for (const auto& p : prefixes) out += std::to_string(p.port) + "/" + std::to_string(p.bits) + " ";
    return out;
}

// Every port first..last is covered exactly once and nothing outside.
void checkExactCover(std::uint16_t first, std::uint16_t last) {
    std::vector<int> hits(65536, 0);
    for (const auto& p : portRangePrefixes(first, last)) {
        std::uint32_t size = 1u << (16 - p.bits);
        LONGS_EQUAL(0, p.port % size);  // aligned, as an LPM prefix must be
        for (std::uint32_t port = p.port; port < p.port + size; ++port) ++hits[port];
    }
    for (std::uint32_t port = 0; port < 65536; ++port) LONGS_EQUAL(port >= first && port <= last ? 1 : 0, hits[port]);
}

}  // namespace

TEST_GROUP(PortRanges){};

// The starting design's example gives 80-90 as 80/14 84/14 88/15 90/16; the
// first two are one aligned block, 80/13 (80-87).
TEST(PortRanges, TheFewestAlignedBlocks) {
    STRCMP_EQUAL("80/13 88/15 90/16 ", render(portRangePrefixes(80, 90)).c_str());
}

TEST(PortRanges, OnePortIsAHostPrefix) {
    STRCMP_EQUAL("443/16 ", render(portRangePrefixes(443, 443)).c_str());
}

TEST(PortRanges, EveryPortIsOnePrefixOfNoBits) {
    STRCMP_EQUAL("0/0 ", render(portRangePrefixes(0, 65535)).c_str());
    STRCMP_EQUAL("32768/1 ", render(portRangePrefixes(32768, 65535)).c_str());
}

TEST(PortRanges, CoversExactlyTheRange) {
    checkExactCover(1, 65535);
    checkExactCover(30000, 32767);
    checkExactCover(65535, 65535);
    checkExactCover(0, 0);
    checkExactCover(1023, 1025);
}
