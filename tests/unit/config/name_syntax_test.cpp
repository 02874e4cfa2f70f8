#include <CppUTest/TestHarness.h>

#include <string>

#include "config/name_syntax.h"

using namespace nodeplane::config;

TEST_GROUP(NameSyntax){};

TEST(NameSyntax, InterfaceNames) {
    CHECK(checkInterfaceName("eth0").ok());
    CHECK(checkInterfaceName("np-web-1").ok());
    CHECK(checkInterfaceName("fifteen-chars-x").ok());
    CHECK_FALSE(checkInterfaceName("sixteen-chars-xx").ok());
    CHECK_FALSE(checkInterfaceName("").ok());
    CHECK_FALSE(checkInterfaceName(".").ok());
    CHECK_FALSE(checkInterfaceName("..").ok());
    CHECK_FALSE(checkInterfaceName("a/b").ok());
    CHECK_FALSE(checkInterfaceName("eth0:1").ok());
    CHECK_FALSE(checkInterfaceName("eth 0").ok());
    CHECK_FALSE(checkInterfaceName("eth\t0").ok());
}

TEST(NameSyntax, DnsLabelsAndSubdomains) {
    CHECK(checkDnsLabel("shop").ok());
    CHECK(checkDnsLabel("0day").ok());
    CHECK(checkDnsLabel(std::string(63, 'a')).ok());
    CHECK_FALSE(checkDnsLabel(std::string(64, 'a')).ok());
    CHECK_FALSE(checkDnsLabel("Shop").ok());
    CHECK_FALSE(checkDnsLabel("-shop").ok());
    CHECK_FALSE(checkDnsLabel("shop-").ok());
    CHECK_FALSE(checkDnsLabel("a.b").ok());
    CHECK_FALSE(checkDnsLabel("").ok());

    CHECK(checkDns1035Label("web").ok());
    CHECK_FALSE(checkDns1035Label("1web").ok());

    CHECK(checkDnsSubdomain("node-a.example.com").ok());
    CHECK(checkDnsSubdomain("web-x7k2p").ok());
    CHECK_FALSE(checkDnsSubdomain("a..b").ok());
    CHECK_FALSE(checkDnsSubdomain(".a").ok());
    CHECK_FALSE(checkDnsSubdomain("a.").ok());
    CHECK_FALSE(checkDnsSubdomain("a_b").ok());
    CHECK_FALSE(checkDnsSubdomain(std::string(254, 'a')).ok());
}

TEST(NameSyntax, LabelKeysAndValues) {
    CHECK(checkQualifiedName("app").ok());
    CHECK(checkQualifiedName("topology.kubernetes.io/zone").ok());
    CHECK(checkQualifiedName("A_b.c-D").ok());
    CHECK_FALSE(checkQualifiedName("").ok());
    CHECK_FALSE(checkQualifiedName("/zone").ok());
    CHECK_FALSE(checkQualifiedName("example.com/").ok());
    CHECK_FALSE(checkQualifiedName("Example.com/zone").ok());
    CHECK_FALSE(checkQualifiedName("a/b/c").ok());
    CHECK_FALSE(checkQualifiedName("_app").ok());
    CHECK_FALSE(checkQualifiedName(std::string(64, 'a')).ok());
    STRCMP_EQUAL("'a b' is not a valid label key ([prefix/]name: the name at most 63 of letters, digits, '-', '_' "
                 "and '.', starting and ending with a letter or digit; the prefix a DNS subdomain)",
                 checkQualifiedName("a b").error().message.c_str());

    CHECK(checkLabelValue("").ok());
    CHECK(checkLabelValue("zone-a").ok());
    CHECK(checkLabelValue("V1.2_x").ok());
    CHECK_FALSE(checkLabelValue("-x").ok());
    CHECK_FALSE(checkLabelValue("a/b").ok());
    CHECK_FALSE(checkLabelValue(std::string(64, 'v')).ok());
}

TEST(NameSyntax, PortNamesFollowIanaSvcName) {
    CHECK(checkPortName("http").ok());
    CHECK(checkPortName("serve-80-tcp").ok());
    CHECK(checkPortName("h2c").ok());
    CHECK(checkPortName("fifteen-chars-x").ok());
    CHECK_FALSE(checkPortName("sixteen-chars-xx").ok());
    CHECK_FALSE(checkPortName("8080").ok());  // needs a letter
    CHECK_FALSE(checkPortName("-http").ok());
    CHECK_FALSE(checkPortName("http-").ok());
    CHECK_FALSE(checkPortName("ht--tp").ok());
    CHECK_FALSE(checkPortName("HTTP").ok());
    CHECK_FALSE(checkPortName("").ok());
}
