// [datapath] cgroup: where the socket hooks attach. The cgroup v2 root by
// default, any absolute path, or "" to turn the hooks off; a relative path
// is refused with its position.
#include <CppUTest/TestHarness.h>

#include "config/config.h"

using nodeplane::InputErrors;
using nodeplane::config::applyConfigText;
using nodeplane::config::Config;

TEST_GROUP(CgroupConfig){};

TEST(CgroupConfig, DefaultsToTheCgroupV2Root) {
    Config config;
    LONGS_EQUAL(0, applyConfigText(config, "", "c.toml").size());
    STRCMP_EQUAL("/sys/fs/cgroup", config.datapath.cgroup.c_str());
}

TEST(CgroupConfig, ReadsAnAbsolutePath) {
    Config config;
    InputErrors errors = applyConfigText(config, "[datapath]\ncgroup = \"/sys/fs/cgroup/unified\"\n", "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    STRCMP_EQUAL("/sys/fs/cgroup/unified", config.datapath.cgroup.c_str());
}

TEST(CgroupConfig, EmptyTurnsTheHooksOff) {
    Config config;
    InputErrors errors = applyConfigText(config, "[datapath]\ncgroup = \"\"\n", "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    STRCMP_EQUAL("", config.datapath.cgroup.c_str());
}

TEST(CgroupConfig, ARelativePathIsRefused) {
    Config config;
    InputErrors errors = applyConfigText(config, "[datapath]\ncgroup = \"sys/fs/cgroup\"\n", "c.toml");
    LONGS_EQUAL_TEXT(1, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    STRCMP_CONTAINS("'sys/fs/cgroup' is not an absolute path", errors[0].toString().c_str());
    STRCMP_CONTAINS("c.toml:2:", errors[0].toString().c_str());
    STRCMP_EQUAL("/sys/fs/cgroup", config.datapath.cgroup.c_str());  // refused whole: the base stays
}
