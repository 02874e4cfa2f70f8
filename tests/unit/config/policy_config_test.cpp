// [policy] allow-from-host and the policy map capacities in [datapath]:
// defaults, every key read, bad values refused with file:line:column and key.
#include <CppUTest/TestHarness.h>

#include "config/config.h"

using nodeplane::InputErrors;
using nodeplane::config::applyConfigText;
using nodeplane::config::Config;

TEST_GROUP(PolicyConfig){};

TEST(PolicyConfig, Defaults) {
    Config config;
    LONGS_EQUAL(0, applyConfigText(config, "", "c.toml").size());
    CHECK_TRUE(config.policy.allowFromHost);
    LONGS_EQUAL(1048576, config.datapath.maxPolicyEntries);
    LONGS_EQUAL(262144, config.datapath.maxIpcacheEntries);
}

TEST(PolicyConfig, ReadsEveryKey) {
    Config config;
    InputErrors errors = applyConfigText(
        config, "[policy]\nallow-from-host = false\n[datapath]\nmax-policy-entries = 5000\nmax-ipcache-entries = 700\n",
        "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    CHECK_FALSE(config.policy.allowFromHost);
    LONGS_EQUAL(5000, config.datapath.maxPolicyEntries);
    LONGS_EQUAL(700, config.datapath.maxIpcacheEntries);
}

TEST(PolicyConfig, BadValuesAreRefusedWhole) {
    Config config;
    InputErrors errors =
        applyConfigText(config, "[policy]\nallow-from-host = \"no\"\n[datapath]\nmax-policy-entries = 0\n", "c.toml");
    LONGS_EQUAL_TEXT(2, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    CHECK(errors[0].toString().find("c.toml:2") == 0);
    CHECK(errors[0].toString().find("allow-from-host") != std::string::npos);
    CHECK(errors[1].toString().find("c.toml:4") == 0);
    CHECK(errors[1].toString().find("max-policy-entries") != std::string::npos);
    CHECK_TRUE(config.policy.allowFromHost);  // nothing applied
    LONGS_EQUAL(1048576, config.datapath.maxPolicyEntries);
}

TEST(PolicyConfig, UnknownKeyInPolicyIsAnError) {
    Config config;
    InputErrors errors = applyConfigText(config, "[policy]\nallow-from-nodes = true\n", "c.toml");
    LONGS_EQUAL_TEXT(1, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    CHECK(errors[0].toString().find("allow-from-nodes") != std::string::npos);
}
