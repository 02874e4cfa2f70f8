// [health] max-pending-seconds as the configuration reader takes it.
#include <CppUTest/TestHarness.h>

#include "config/config.h"

using nodeplane::InputErrors;
using nodeplane::config::applyConfigText;
using nodeplane::config::Config;

TEST_GROUP(HealthConfig){};

TEST(HealthConfig, MaxPendingDefaultsToKubeProxysSixtySeconds) {
    Config config;
    LONGS_EQUAL(60, config.health.maxPendingSeconds);
    LONGS_EQUAL(0, applyConfigText(config, "[health]\nlisten = \"127.0.0.1:1\"\n", "c.toml").size());
    LONGS_EQUAL(60, config.health.maxPendingSeconds);
}

TEST(HealthConfig, MaxPendingTakesZeroToAnHour) {
    for (std::int64_t value : {0, 1, 90, 3600}) {
        Config config;
        auto errors = applyConfigText(config, "[health]\nmax-pending-seconds = " + std::to_string(value) + "\n",
                                      "c.toml");
        LONGS_EQUAL_TEXT(0, errors.size(), nodeplane::formatInputErrors(errors).c_str());
        LONGS_EQUAL(value, config.health.maxPendingSeconds);
    }
}

TEST(HealthConfig, MaxPendingOutOfRangeOrNotANumberNamesFileLineAndKey) {
    for (const char* value : {"-1", "3601", "\"60\"", "1.5"}) {
        Config config;
        InputErrors errors =
            applyConfigText(config, std::string("[health]\nmax-pending-seconds = ") + value + "\n", "20-h.toml");
        LONGS_EQUAL_TEXT(1, errors.size(), value);
        std::string text = errors[0].toString();
        CHECK_TEXT(text.rfind("20-h.toml:2:", 0) == 0, text.c_str());
        CHECK_TEXT(text.find("max-pending-seconds") != std::string::npos, text.c_str());
        LONGS_EQUAL(60, config.health.maxPendingSeconds);  // refused whole: the base stays
    }
}
