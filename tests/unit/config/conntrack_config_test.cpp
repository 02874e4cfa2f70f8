// [datapath] conntrack-*: the ageing interval and the per-state timeouts.
// Defaults, every key read, and bad values refused with file:line:column and key.
#include <CppUTest/TestHarness.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "config/config.h"

using nodeplane::InputErrors;
using nodeplane::config::applyConfigText;
using nodeplane::config::Config;

namespace {

void checkOneError(const std::string& text, const char* expected) {
    Config config;
    InputErrors errors = applyConfigText(config, text, "c.toml");
    LONGS_EQUAL_TEXT(1, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    STRCMP_EQUAL(expected, errors[0].toString().c_str());
}

}  // namespace

TEST_GROUP(ConntrackConfig){};

TEST(ConntrackConfig, DefaultsFollowNfConntrackAndKubeProxy) {
    Config config;
    LONGS_EQUAL(0, applyConfigText(config, "", "c.toml").size());
    const auto& c = config.datapath.conntrack;
    LONGS_EQUAL(10, c.gcIntervalSeconds);
    LONGS_EQUAL(60, c.tcpSynSeconds);
    LONGS_EQUAL(21600, c.tcpEstablishedSeconds);
    LONGS_EQUAL(60, c.tcpClosingSeconds);
    LONGS_EQUAL(30, c.udpSeconds);
    LONGS_EQUAL(120, c.udpStreamSeconds);
}

TEST(ConntrackConfig, ReadsEveryKey) {
    Config config;
    InputErrors errors = applyConfigText(config, R"([datapath]
conntrack-gc-interval = 3
conntrack-tcp-syn-timeout = 20
conntrack-tcp-established-timeout = 86400
conntrack-tcp-closing-timeout = 10
conntrack-udp-timeout = 15
conntrack-udp-stream-timeout = 180
)",
                                         "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    const auto& c = config.datapath.conntrack;
    LONGS_EQUAL(3, c.gcIntervalSeconds);
    LONGS_EQUAL(20, c.tcpSynSeconds);
    LONGS_EQUAL(86400, c.tcpEstablishedSeconds);
    LONGS_EQUAL(10, c.tcpClosingSeconds);
    LONGS_EQUAL(15, c.udpSeconds);
    LONGS_EQUAL(180, c.udpStreamSeconds);
}

TEST(ConntrackConfig, ADropInChangesOnlyItsKey) {
    Config config;
    config.datapath.conntrack.udpSeconds = 45;
    LONGS_EQUAL(0, applyConfigText(config, "[datapath]\nconntrack-gc-interval = 1\n", "50-gc.toml").size());
    LONGS_EQUAL(1, config.datapath.conntrack.gcIntervalSeconds);
    LONGS_EQUAL(45, config.datapath.conntrack.udpSeconds);
    LONGS_EQUAL(21600, config.datapath.conntrack.tcpEstablishedSeconds);
}

TEST(ConntrackConfig, TheLimitsThemselvesAreAccepted) {
    Config config;
    InputErrors errors = applyConfigText(
        config, "[datapath]\nconntrack-gc-interval = 3600\nconntrack-tcp-established-timeout = 604800\n"
                "conntrack-udp-timeout = 1\n",
        "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    LONGS_EQUAL(3600, config.datapath.conntrack.gcIntervalSeconds);
    LONGS_EQUAL(604800, config.datapath.conntrack.tcpEstablishedSeconds);
    LONGS_EQUAL(1, config.datapath.conntrack.udpSeconds);
}

TEST(ConntrackConfig, ZeroIntervalIsRefused) {
    checkOneError("[datapath]\nconntrack-gc-interval = 0\n",
                  "c.toml:2:25: [datapath]: key 'conntrack-gc-interval': 0 is out of range 1-3600");
}

TEST(ConntrackConfig, IntervalOverAnHourIsRefused) {
    checkOneError("[datapath]\nconntrack-gc-interval = 3601\n",
                  "c.toml:2:25: [datapath]: key 'conntrack-gc-interval': 3601 is out of range 1-3600");
}

TEST(ConntrackConfig, EveryTimeoutHasTheSameRange) {
    for (const char* key : {"conntrack-tcp-syn-timeout", "conntrack-tcp-established-timeout",
                            "conntrack-tcp-closing-timeout", "conntrack-udp-timeout",
                            "conntrack-udp-stream-timeout"}) {
        const std::string k(key);
        const std::string column = std::to_string(k.size() + 4);
        checkOneError("[datapath]\n" + k + " = 0\n",
                      ("c.toml:2:" + column + ": [datapath]: key '" + k + "': 0 is out of range 1-604800").c_str());
        checkOneError("[datapath]\n" + k + " = -30\n",
                      ("c.toml:2:" + column + ": [datapath]: key '" + k + "': -30 is out of range 1-604800").c_str());
        checkOneError("[datapath]\n" + k + " = 604801\n",
                      ("c.toml:2:" + column + ": [datapath]: key '" + k + "': 604801 is out of range 1-604800")
                          .c_str());
    }
}

TEST(ConntrackConfig, ADurationStringIsNotSeconds) {
    checkOneError("[datapath]\nconntrack-tcp-established-timeout = \"6h\"\n",
                  "c.toml:2:37: [datapath]: key 'conntrack-tcp-established-timeout': expected an integer, got a "
                  "string");
}

TEST(ConntrackConfig, AMisspelledKeyIsUnknownWithASuggestion) {
    checkOneError("[datapath]\nconntrack-udp-timout = 30\n",
                  "c.toml:2:1: [datapath]: key 'conntrack-udp-timout': unknown key; did you mean "
                  "'conntrack-udp-timeout'?");
}

TEST(ConntrackConfig, ABadValueLeavesTheConfigurationUntouched) {
    Config config;
    InputErrors errors = applyConfigText(
        config, "[datapath]\nconntrack-udp-timeout = 5\nconntrack-tcp-closing-timeout = 0\n", "c.toml");
    LONGS_EQUAL(1, errors.size());
    STRCMP_EQUAL("c.toml:3:33: [datapath]: key 'conntrack-tcp-closing-timeout': 0 is out of range 1-604800",
                 errors[0].toString().c_str());
    LONGS_EQUAL(30, config.datapath.conntrack.udpSeconds);
}

TEST(ConntrackConfig, TheShippedFileShowsTheDefaults) {
    // config/nodeplane.toml lists every key commented out with its default.
    std::ifstream shipped(std::string(NODEPLANE_TEST_DATA) + "/../../config/nodeplane.toml");
    CHECK_TEXT(shipped.good(), "cannot read config/nodeplane.toml");
    const std::regex commented("^# (conntrack-[a-z-]+ = [0-9]+)$");
    std::string line, keys = "[datapath]\n";
    int found = 0;
    for (std::smatch m; std::getline(shipped, line);)
        if (std::regex_match(line, m, commented)) {
            keys += m[1].str() + "\n";
            ++found;
        }
    LONGS_EQUAL(6, found);
    Config config;
    config.datapath.conntrack = {1, 2, 3, 4, 5, 6};
    STRCMP_EQUAL("", nodeplane::formatInputErrors(applyConfigText(config, keys, "nodeplane.toml")).c_str());
    CHECK(config.datapath.conntrack == Config{}.datapath.conntrack);
}
