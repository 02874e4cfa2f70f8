// Shared by the packet tests: the addresses of the miniature node and a
// runner that fails the test with the kernel's error instead of returning one.
#pragma once

#include <CppUTest/TestHarness.h>

#include <string>

#include "common/ip.h"
#include "datapath/datapath.h"
#include "support/bpf_test_run.h"
#include "support/datapath_fixture.h"
#include "support/or_fail.h"
#include "support/packet_builder.h"

namespace nodeplane::test {

inline constexpr const char* kPodA = "10.200.1.10";
inline constexpr const char* kPodB = "10.200.1.11";
inline constexpr const char* kPodElsewhere = "10.200.2.20";  // a pod on another node
inline constexpr const char* kMacPodA = "02:00:00:00:0a:0a";
inline constexpr const char* kMacHostA = "02:00:00:00:0a:01";

inline IpAddress ipOf(const char* text) {
    auto ip = IpAddress::parse(text);
    if (!ip) FAIL((std::string("bad address in test: ") + text).c_str());
    return *ip;
}

// Runs `program` on `frame` as if it arrived at / left through `ifindex`.
inline TestRunResult runOn(DatapathFixture& node, datapath::Program program, int ifindex, const Bytes& frame) {
    const auto index = static_cast<std::uint32_t>(ifindex);
    auto run = testRun(node.datapath().programFd(program), frame, SkbContext{index, index, 0});
    if (!run) FAIL(run.error().message.c_str());
    return *run;
}

// A TCP SYN from pod A's MAC to its host end, between the given addresses.
inline Bytes tcpFrame(const char* src, const char* dst, std::uint8_t ttl = 64) {
    return PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(src, dst, ttl).tcp(40000, 8080).payload("hello").build();
}

#define CHECK_TC_ACTION(expected, run) \
    STRCMP_EQUAL(tcActionName(static_cast<std::uint32_t>(expected)), tcActionName((run).retval))

}  // namespace nodeplane::test
