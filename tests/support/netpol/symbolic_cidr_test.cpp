#include <CppUTest/TestHarness.h>

#include "symbolic_cidr.h"

using namespace nodeplane;
using namespace nodeplane::netpol;

namespace {
PodIps ips() { return {{"x/b", *IpAddress::parse("10.244.1.11")}, {"y/b", *IpAddress::parse("192.168.7.9")}}; }

std::string resolved(const char* text) {
    auto r = resolveCidr(text, ips());
    return r ? *r : "error: " + r.error().message;
}
}  // namespace

TEST_GROUP(SymbolicCidr){};

TEST(SymbolicCidr, PodIpHostRoute) { STRCMP_EQUAL("192.168.7.9/32", resolved("podIP(y/b)/32").c_str()); }

TEST(SymbolicCidr, Net4IsTheNetworkHoldingThePod) {
    STRCMP_EQUAL("0.0.0.0/4", resolved("net4(podIP(x/b))").c_str());
    STRCMP_EQUAL("192.0.0.0/4", resolved("net4(podIP(y/b))").c_str());
    STRCMP_EQUAL("10.244.0.0/16", resolved("net16(podIP(x/b))").c_str());
}

TEST(SymbolicCidr, PlainCidrsPassUnchanged) { STRCMP_EQUAL("10.0.0.0/8", resolved("10.0.0.0/8").c_str()); }

TEST(SymbolicCidr, MistakesAreNamed) {
    STRCMP_EQUAL("error: no IP for pod 'z/c'", resolved("podIP(z/c)/32").c_str());
    STRCMP_EQUAL("error: expected /32 or /128 after podIP(...)", resolved("podIP(x/b)/24").c_str());
    STRCMP_EQUAL("error: expected net<N>(podIP(...))", resolved("net4(podIP(x/b)").c_str());
    STRCMP_EQUAL("error: prefix length 33 is out of range", resolved("net33(podIP(x/b))").c_str());
    STRCMP_EQUAL("error: neither a CIDR nor podIP(<pod>)/32 nor net<N>(podIP(<pod>))", resolved("10.0.0/8").c_str());
}

TEST(SymbolicCidr, OnlyIpBlocksAreResolvedInAPolicy) {
    auto policy = nlohmann::json::parse(R"j({"egress": [{"to": [{"ipBlock": {"cidr": "net4(podIP(x/b))",
        "except": ["podIP(y/b)/32"]}}, {"podSelector": {"matchLabels": {"cidr": "podIP(y/b)/32"}}}]}]})j");
    auto r = resolvePolicyCidrs(policy, ips(), "spec");
    CHECK_TRUE(r.ok());
    STRCMP_EQUAL(R"({"egress":[{"to":[{"ipBlock":{"cidr":"0.0.0.0/4","except":["192.168.7.9/32"]}},)"
                 R"({"podSelector":{"matchLabels":{"cidr":"podIP(y/b)/32"}}}]}]})",
                 r->dump().c_str());
}

TEST(SymbolicCidr, ABadExceptIsNamedByPath) {
    auto policy = nlohmann::json::parse(R"({"ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["podIP(q/q)/32"]}}]}]})");
    auto r = resolvePolicyCidrs(policy, ips(), "spec");
    CHECK_FALSE(r.ok());
    STRCMP_EQUAL("spec.ingress[0].from[0].ipBlock.except[0]: 'podIP(q/q)/32': no IP for pod 'q/q'", r.error().message.c_str());
}
