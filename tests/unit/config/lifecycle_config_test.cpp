// [lifecycle] drain-marker and shutdown-inhibitor: defaults, both read, a
// relative marker path refused with file:line:column and key.
#include <CppUTest/TestHarness.h>

#include "config/config.h"

using nodeplane::InputErrors;
using nodeplane::config::applyConfigText;
using nodeplane::config::Config;

TEST_GROUP(LifecycleConfig){};

TEST(LifecycleConfig, Defaults) {
    Config config;
    LONGS_EQUAL(0, applyConfigText(config, "", "c.toml").size());
    LONGS_EQUAL(30, config.lifecycle.drainSeconds);
    STRCMP_EQUAL("/run/nodeplane/drained", config.lifecycle.drainMarker.c_str());
    CHECK_TRUE(config.lifecycle.shutdownInhibitor);
}

TEST(LifecycleConfig, ReadsEveryKey) {
    Config config;
    InputErrors errors = applyConfigText(
        config, "[lifecycle]\ndrain-seconds = 5\ndrain-marker = \"/tmp/t/drained\"\nshutdown-inhibitor = false\n",
        "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    LONGS_EQUAL(5, config.lifecycle.drainSeconds);
    STRCMP_EQUAL("/tmp/t/drained", config.lifecycle.drainMarker.c_str());
    CHECK_FALSE(config.lifecycle.shutdownInhibitor);
}

TEST(LifecycleConfig, RefusesARelativeMarkerAndANonBooleanInhibitor) {
    Config config;
    InputErrors errors = applyConfigText(config, "[lifecycle]\ndrain-marker = \"drained\"\nshutdown-inhibitor = 1\n",
                                         "c.toml");
    LONGS_EQUAL(2, errors.size());
    STRCMP_CONTAINS("c.toml:2:16: [lifecycle]: key 'drain-marker': 'drained' is not an absolute path",
                    errors[0].toString().c_str());
    STRCMP_CONTAINS("c.toml:3:", errors[1].toString().c_str());
    STRCMP_CONTAINS("shutdown-inhibitor", errors[1].toString().c_str());
    STRCMP_EQUAL("/run/nodeplane/drained", config.lifecycle.drainMarker.c_str());
}
