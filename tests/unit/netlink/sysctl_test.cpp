// Key-to-path mapping, and reads/writes against a scratch directory standing
// in for /proc/sys (the real one is exercised by the root tests in a netns).
#include <CppUTest/TestHarness.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "netlink/sysctl.h"

using namespace nodeplane::netlink;
namespace fs = std::filesystem;

namespace {

SysctlKey key(const char* text) { return *SysctlKey::parse(text); }

std::string contents(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_GROUP(SysctlKey) {};

TEST(SysctlKey, DotsBecomeSlashes) {
    STRCMP_EQUAL("net/ipv4/ip_forward", key("net.ipv4.ip_forward").path().c_str());
    STRCMP_EQUAL("net/ipv6/conf/all/forwarding", key("net.ipv6.conf.all.forwarding").path().c_str());
}

TEST(SysctlKey, SlashFormKeepsDotsInInterfaceNames) {
    STRCMP_EQUAL("net/ipv4/conf/eth0.100/rp_filter", key("net/ipv4/conf/eth0.100/rp_filter").path().c_str());
}

TEST(SysctlKey, PerInterfaceKeyTakesTheNameAsOneComponent) {
    auto perInterface = SysctlKey::perInterface("net/ipv4/conf", "eth0.100", "rp_filter");
    CHECK_TRUE(perInterface.ok());
    STRCMP_EQUAL("net/ipv4/conf/eth0.100/rp_filter", perInterface->path().c_str());
    CHECK(*perInterface == key("net/ipv4/conf/eth0.100/rp_filter"));
}

TEST(SysctlKey, InterfaceNamesAreCheckedAsTheKernelDoes) {
    for (const char* bad : {"", ".", "..", "a/b", "a:b", "a b", "sixteen-chars-xx"}) {
        auto result = SysctlKey::perInterface("net/ipv4/conf", bad, "rp_filter");
        CHECK_FALSE_TEXT(result.ok(), bad);
        LONGS_EQUAL(EINVAL, result.error().errnum);
    }
    CHECK_TRUE(SysctlKey::perInterface("net/ipv4/conf", "fifteen-chars-x", "rp_filter").ok());
}

TEST(SysctlKey, KeysCannotLeaveTheTree) {
    for (const char* bad : {"", "net..ipv4", ".net", "net/../../etc/passwd", "net/ipv4/", "/net/ipv4"}) {
        auto result = SysctlKey::parse(bad);
        CHECK_FALSE_TEXT(result.ok(), bad);
    }
}

TEST_GROUP(Sysctls) {
    fs::path root;

    void setup() override {
        char pattern[] = "/tmp/np-sysctl-test-XXXXXX";
        CHECK_TRUE(::mkdtemp(pattern) != nullptr);
        root = pattern;
        fs::create_directories(root / "net/ipv4/conf/eth0.100");
        std::ofstream(root / "net/ipv4/ip_forward") << "0\n";
        std::ofstream(root / "net/ipv4/conf/eth0.100/rp_filter") << "2\n";
    }
    void teardown() override { fs::remove_all(root); }
};

TEST(Sysctls, SetWritesTheFileAndGetReadsItBack) {
    Sysctls sysctls(root.string());
    auto status = sysctls.set(key("net.ipv4.ip_forward"), "1");
    CHECK_TEXT(status.ok(), status.ok() ? "" : status.error().message.c_str());
    STRCMP_EQUAL("1", contents(root / "net/ipv4/ip_forward").c_str());
    STRCMP_EQUAL("1", sysctls.get(key("net.ipv4.ip_forward"))->c_str());
}

TEST(Sysctls, ShorterValueReplacesTheWholeOldOne) {
    std::ofstream(root / "net/ipv4/ip_forward") << "100\n";
    Sysctls sysctls(root.string());
    CHECK_TRUE(sysctls.set(key("net.ipv4.ip_forward"), "1").ok());
    STRCMP_EQUAL("1", sysctls.get(key("net.ipv4.ip_forward"))->c_str());
}

TEST(Sysctls, MissingKeyIsAnErrorNotANewFile) {
    Sysctls sysctls(root.string());
    auto status = sysctls.set(key("net.ipv6.conf.all.forwarding"), "1");
    CHECK_FALSE(status.ok());
    LONGS_EQUAL(ENOENT, status.error().errnum);
    STRCMP_EQUAL("Failed to set sysctl net/ipv6/conf/all/forwarding to '1': No such file or directory",
                 status.error().message.c_str());
    CHECK_FALSE(fs::exists(root / "net/ipv6"));
}

TEST(Sysctls, AValueTheKernelDidNotKeepIsAnError) {
    // /dev/null accepts the write and reads back empty, like a kernel that
    // clamps or ignores a value.
    fs::create_directories(root / "net/core");
    fs::create_symlink("/dev/null", root / "net/core/somaxconn");
    auto status = Sysctls(root.string()).set(key("net.core.somaxconn"), "4096");
    CHECK_FALSE(status.ok());
    LONGS_EQUAL(EIO, status.error().errnum);
    STRCMP_EQUAL("Failed to set sysctl net/core/somaxconn to '4096': the kernel kept ''",
                 status.error().message.c_str());
}

TEST(Sysctls, HostEndSettingsUseTheInterfaceName) {
    auto settings = hostEndSysctls("eth0.100");
    CHECK_TRUE(settings.ok());
    LONGS_EQUAL(1, settings->size());
    STRCMP_EQUAL("net/ipv4/conf/eth0.100/rp_filter", settings->at(0).key.path().c_str());
    STRCMP_EQUAL("0", settings->at(0).value.c_str());
    CHECK_TRUE(applySysctls(Sysctls(root.string()), *settings).ok());
    STRCMP_EQUAL("0", contents(root / "net/ipv4/conf/eth0.100/rp_filter").c_str());
}

TEST(Sysctls, HostEndSettingsRefuseABadName) {
    CHECK_FALSE(hostEndSysctls("../../kernel").ok());
}

TEST(Sysctls, NodeSettingsSkipAMissingIpv6Tree) {
    auto settings = nodeSysctls();
    CHECK_TRUE(settings.ok());
    LONGS_EQUAL(2, settings->size());
    STRCMP_EQUAL("net/ipv4/ip_forward", settings->at(0).key.path().c_str());
    CHECK_FALSE(settings->at(0).skipIfMissing);
    STRCMP_EQUAL("net/ipv6/conf/all/forwarding", settings->at(1).key.path().c_str());
    CHECK_TRUE(settings->at(1).skipIfMissing);
    // The scratch tree has no net/ipv6, like a node booted with ipv6.disable=1.
    auto status = applySysctls(Sysctls(root.string()), *settings);
    CHECK_TEXT(status.ok(), status.ok() ? "" : status.error().message.c_str());
    STRCMP_EQUAL("1", contents(root / "net/ipv4/ip_forward").c_str());
}

TEST(Sysctls, ApplyStopsAtTheFirstRealFailure) {
    std::vector<SysctlSetting> settings{{key("net.ipv4.missing"), "1", false},
                                        {key("net.ipv4.ip_forward"), "1", false}};
    auto status = applySysctls(Sysctls(root.string()), settings);
    CHECK_FALSE(status.ok());
    LONGS_EQUAL(ENOENT, status.error().errnum);
    STRCMP_EQUAL("0\n", contents(root / "net/ipv4/ip_forward").c_str());
}
