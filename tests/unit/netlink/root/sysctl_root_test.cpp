// Sysctls written through the real /proc/sys: inside the scratch namespace
// /proc/sys/net is that namespace's own, so the host's values are untouched.
#include <CppUTest/TestHarness.h>

#include "netlink/sysctl.h"
#include "scratch_netns.h"

using namespace nodeplane;
using namespace nodeplane::netlink;
using namespace nodeplane::netlink::test;

TEST_GROUP(SysctlsInNamespace) {
    std::unique_ptr<ScratchNetns> scratch;

    void setup() override { scratch = ScratchNetns::enter(); }
    void teardown() override { scratch.reset(); }
};

TEST(SysctlsInNamespace, NodeSettingsTurnForwardingOn) {
    Sysctls sysctls;
    auto forward = *SysctlKey::parse("net.ipv4.ip_forward");
    CHECK_TRUE(sysctls.set(forward, "0").ok());  // a fresh namespace may inherit either value

    auto settings = nodeSysctls();
    CHECK_TRUE(settings.ok());
    auto status = applySysctls(sysctls, *settings);
    CHECK_TEXT(status.ok(), status.ok() ? "" : status.error().message.c_str());
    STRCMP_EQUAL("1", sysctls.get(forward)->c_str());
    STRCMP_EQUAL("1", sysctls.get(*SysctlKey::parse("net.ipv6.conf.all.forwarding"))->c_str());
    // ip_forward carries over to conf/default, which new host ends inherit.
    STRCMP_EQUAL("1", sysctls.get(*SysctlKey::parse("net.ipv4.conf.default.forwarding"))->c_str());
}

TEST(SysctlsInNamespace, HostEndSettingsOnAnInterfaceWithADotInItsName) {
    scratch->ipOrFail("link add np.dot0 type veth peer name np-dot0p");
    Sysctls sysctls;
    auto rpFilter = *SysctlKey::perInterface("net/ipv4/conf", "np.dot0", "rp_filter");
    CHECK_TRUE(sysctls.set(rpFilter, "2").ok());
    STRCMP_EQUAL("2", sysctls.get(rpFilter)->c_str());

    auto settings = hostEndSysctls("np.dot0");
    CHECK_TRUE(settings.ok());
    CHECK_TRUE(applySysctls(sysctls, *settings).ok());
    STRCMP_EQUAL("0", sysctls.get(rpFilter)->c_str());
}

TEST(SysctlsInNamespace, OneOffSettingByDottedKey) {
    CHECK_TRUE(setSysctl("net.ipv4.conf.all.accept_local", "1").ok());
    STRCMP_EQUAL("1", Sysctls().get(*SysctlKey::parse("net.ipv4.conf.all.accept_local"))->c_str());
    CHECK_TRUE(setSysctl("net.ipv4.conf.all.accept_local", "0").ok());
    STRCMP_EQUAL("0", Sysctls().get(*SysctlKey::parse("net.ipv4.conf.all.accept_local"))->c_str());
    CHECK_FALSE(setSysctl("net..ipv4", "1").ok());
}

TEST(SysctlsInNamespace, TheKernelRejectingAValueIsAnError) {
    auto status = Sysctls().set(*SysctlKey::parse("net.ipv4.ip_forward"), "abc");
    CHECK_FALSE(status.ok());
    LONGS_EQUAL(EINVAL, status.error().errnum);
}

TEST(SysctlsInNamespace, AMissingInterfaceIsENOENT) {
    auto key = *SysctlKey::perInterface("net/ipv4/conf", "np-absent0", "rp_filter");
    auto status = Sysctls().set(key, "0");
    CHECK_FALSE(status.ok());
    LONGS_EQUAL(ENOENT, status.error().errnum);
}
