// [observe] socket, events, ring-buffer-bytes and wakeup-bytes, and [metrics] listen:
// defaults, every key read, bad values refused with file:line:column and key.
#include <CppUTest/TestHarness.h>

#include "config/config.h"

using nodeplane::InputErrors;
using nodeplane::config::applyConfigText;
using nodeplane::config::Config;

TEST_GROUP(ObserveConfig){};

TEST(ObserveConfig, Defaults) {
    Config config;
    LONGS_EQUAL(0, applyConfigText(config, "", "c.toml").size());
    STRCMP_EQUAL("/run/nodeplane/observe.sock", config.observe.socket.c_str());
    CHECK_TRUE(config.observe.events);
    LONGS_EQUAL(4194304, config.observe.ringBufferBytes);
    LONGS_EQUAL(65536, config.observe.wakeupBytes);
    STRCMP_EQUAL("127.0.0.1:9965", config.metrics.listen.c_str());
}

TEST(ObserveConfig, ReadsEveryKey) {
    Config config;
    InputErrors errors = applyConfigText(config,
                                         "[observe]\nsocket = \"/tmp/t/o.sock\"\nevents = false\n"
                                         "ring-buffer-bytes = 65536\nwakeup-bytes = 8192\n[metrics]\nlisten = \"[::1]:9100\"\n",
                                         "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    STRCMP_EQUAL("/tmp/t/o.sock", config.observe.socket.c_str());
    CHECK_FALSE(config.observe.events);
    LONGS_EQUAL(65536, config.observe.ringBufferBytes);
    LONGS_EQUAL(8192, config.observe.wakeupBytes);
    STRCMP_EQUAL("[::1]:9100", config.metrics.listen.c_str());
}

TEST(ObserveConfig, AnEmptyMetricsListenTurnsTheServerOff) {
    Config config;
    InputErrors errors = applyConfigText(config, "[metrics]\nlisten = \"\"\n", "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    STRCMP_EQUAL("", config.metrics.listen.c_str());
}

TEST(ObserveConfig, RingBufferBytesMustBeAPowerOfTwoInRange) {
    for (const char* bad : {"3000", "2048", "2147483648", "5000000"}) {
        Config config;
        InputErrors errors =
            applyConfigText(config, std::string("[observe]\nring-buffer-bytes = ") + bad + "\n", "c.toml");
        LONGS_EQUAL_TEXT(1, errors.size(), bad);
        STRCMP_CONTAINS("c.toml:2:", errors[0].toString().c_str());
        STRCMP_CONTAINS("ring-buffer-bytes", errors[0].toString().c_str());
        LONGS_EQUAL(4194304, config.observe.ringBufferBytes);
    }
    Config config;
    InputErrors errors = applyConfigText(config, "[observe]\nring-buffer-bytes = 5000000\n", "c.toml");
    STRCMP_CONTAINS("is not a power of two", errors.at(0).toString().c_str());
    LONGS_EQUAL(0, applyConfigText(config, "[observe]\nring-buffer-bytes = 1073741824\n", "c.toml").size());
    LONGS_EQUAL(1073741824, config.observe.ringBufferBytes);
    LONGS_EQUAL(0, applyConfigText(config, "[observe]\nring-buffer-bytes = 4096\n", "c.toml").size());
    LONGS_EQUAL(4096, config.observe.ringBufferBytes);
}

TEST(ObserveConfig, WakeupBytesZeroWakesPerRecordAndTooLargeIsRefused) {
    Config config;
    LONGS_EQUAL(0, applyConfigText(config, "[observe]\nwakeup-bytes = 0\n", "c.toml").size());
    LONGS_EQUAL(0, config.observe.wakeupBytes);
    // Half the largest ring is the largest mark any ring could use.
    LONGS_EQUAL(0, applyConfigText(config, "[observe]\nwakeup-bytes = 536870912\n", "c.toml").size());
    LONGS_EQUAL(536870912, config.observe.wakeupBytes);
    for (const char* bad : {"-1", "536870913", "\"64k\""}) {
        Config fresh;
        InputErrors errors =
            applyConfigText(fresh, std::string("[observe]\nevents = true\nwakeup-bytes = ") + bad + "\n", "d.toml");
        LONGS_EQUAL_TEXT(1, errors.size(), bad);
        STRCMP_CONTAINS("d.toml:3:", errors[0].toString().c_str());
        STRCMP_CONTAINS("wakeup-bytes", errors[0].toString().c_str());
        LONGS_EQUAL(65536, fresh.observe.wakeupBytes);
    }
}

TEST(ObserveConfig, RefusesARelativeSocketABadListenAndAnUnknownKey) {
    Config config;
    InputErrors errors = applyConfigText(
        config, "[observe]\nsocket = \"observe.sock\"\nevents = \"yes\"\n[metrics]\nlisten = \"localhost:80\"\nport = 1\n",
        "c.toml");
    LONGS_EQUAL(4, errors.size());
    STRCMP_CONTAINS("c.toml:2:", errors[0].toString().c_str());
    STRCMP_CONTAINS("'observe.sock' is not an absolute path", errors[0].toString().c_str());
    STRCMP_CONTAINS("c.toml:3:", errors[1].toString().c_str());
    STRCMP_CONTAINS("events", errors[1].toString().c_str());
    STRCMP_CONTAINS("c.toml:5:", errors[2].toString().c_str());
    STRCMP_CONTAINS("[metrics]", errors[2].toString().c_str());
    STRCMP_CONTAINS("c.toml:6:", errors[3].toString().c_str());
    STRCMP_CONTAINS("port", errors[3].toString().c_str());
    STRCMP_EQUAL("/run/nodeplane/observe.sock", config.observe.socket.c_str());
    STRCMP_EQUAL("127.0.0.1:9965", config.metrics.listen.c_str());
}
