// [services] cluster-ip-ranges: the default, valid lists, and every refusal
// naming file:line:column and the key.
#include <CppUTest/TestHarness.h>

#include <string>

#include "config/config.h"

using nodeplane::InputErrors;
using nodeplane::IpPrefix;
using nodeplane::config::applyConfigText;
using nodeplane::config::Config;

namespace {

std::string rangesToml(int count) {
    std::string text = "[services]\ncluster-ip-ranges = [";
    for (int i = 0; i < count; ++i) text += (i ? ", \"10." : "\"10.") + std::to_string(i) + ".0.0/16\"";
    return text + "]\n";
}

}  // namespace

TEST_GROUP(ServicesConfig){};

TEST(ServicesConfig, DefaultIsNoRange) {
    Config config;
    LONGS_EQUAL(0, applyConfigText(config, "", "c.toml").size());
    LONGS_EQUAL(0, config.services.clusterIpRanges.size());
}

TEST(ServicesConfig, ReadsIpv4AndIpv6Ranges) {
    Config config;
    InputErrors errors = applyConfigText(
        config, "[services]\ncluster-ip-ranges = [\"10.96.0.0/12\", \"172.30.0.0/16\", \"fd00:10:96::/112\"]\n",
        "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    LONGS_EQUAL(3, config.services.clusterIpRanges.size());
    STRCMP_EQUAL("10.96.0.0/12", config.services.clusterIpRanges[0].toString().c_str());
    STRCMP_EQUAL("172.30.0.0/16", config.services.clusterIpRanges[1].toString().c_str());
    STRCMP_EQUAL("fd00:10:96::/112", config.services.clusterIpRanges[2].toString().c_str());
}

TEST(ServicesConfig, AnEmptyListClearsTheRanges) {
    Config config;
    config.services.clusterIpRanges.push_back(*IpPrefix::parse("10.96.0.0/12"));
    LONGS_EQUAL(0, applyConfigText(config, "[services]\ncluster-ip-ranges = []\n", "c.toml").size());
    LONGS_EQUAL(0, config.services.clusterIpRanges.size());
}

TEST(ServicesConfig, BadCidrsAreRefusedWithTheirPosition) {
    Config config;
    InputErrors errors = applyConfigText(
        config, "[services]\ncluster-ip-ranges = [\n  \"10.96.0.0/12\",\n  \"10.96.0.1/12\",\n  \"10.96.0.0\",\n  \"bogus\",\n  3,\n]\n",
        "c.toml");
    LONGS_EQUAL_TEXT(4, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    CHECK_TEXT(errors[0].toString().find("c.toml:4:3") == 0, errors[0].toString().c_str());
    CHECK(errors[0].toString().find("cluster-ip-ranges[1]") != std::string::npos);
    CHECK(errors[0].toString().find("host bits") != std::string::npos);
    CHECK(errors[1].toString().find("c.toml:5:3") == 0);
    CHECK(errors[1].toString().find("not a CIDR") != std::string::npos);
    CHECK(errors[2].toString().find("c.toml:6:3") == 0);
    CHECK(errors[3].toString().find("c.toml:7:3") == 0);
    CHECK(errors[3].toString().find("expected a string") != std::string::npos);
    LONGS_EQUAL(0, config.services.clusterIpRanges.size());  // nothing applied
}

TEST(ServicesConfig, NotAList) {
    Config config;
    InputErrors errors = applyConfigText(config, "[services]\ncluster-ip-ranges = \"10.96.0.0/12\"\n", "c.toml");
    LONGS_EQUAL_TEXT(1, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    CHECK(errors[0].toString().find("c.toml:2") == 0);
    CHECK(errors[0].toString().find("cluster-ip-ranges") != std::string::npos);
}

TEST(ServicesConfig, TooWideARangeIsATypo) {
    Config config;
    InputErrors errors =
        applyConfigText(config, "[services]\ncluster-ip-ranges = [\"0.0.0.0/0\", \"10.0.0.0/7\", \"fd00::/48\"]\n",
                        "c.toml");
    LONGS_EQUAL_TEXT(3, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    CHECK(errors[0].toString().find("wider than /8") != std::string::npos);
    CHECK(errors[2].toString().find("wider than /64") != std::string::npos);
    LONGS_EQUAL(0, applyConfigText(config, "[services]\ncluster-ip-ranges = [\"10.0.0.0/8\"]\n", "c.toml").size());
}

TEST(ServicesConfig, DuplicatesAreRefused) {
    Config config;
    InputErrors errors =
        applyConfigText(config, "[services]\ncluster-ip-ranges = [\"10.96.0.0/12\", \"10.96.0.0/12\"]\n", "c.toml");
    LONGS_EQUAL_TEXT(1, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    CHECK(errors[0].toString().find("cluster-ip-ranges[1]") != std::string::npos);
    CHECK(errors[0].toString().find("listed twice") != std::string::npos);
}

TEST(ServicesConfig, AtMostSixteenRanges) {
    Config config;
    LONGS_EQUAL(0, applyConfigText(config, rangesToml(16), "c.toml").size());
    LONGS_EQUAL(16, config.services.clusterIpRanges.size());
    InputErrors errors = applyConfigText(config, rangesToml(17), "c.toml");
    LONGS_EQUAL_TEXT(1, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    CHECK(errors[0].toString().find("c.toml:2") == 0);
    CHECK(errors[0].toString().find("at most 16") != std::string::npos);
    LONGS_EQUAL(16, config.services.clusterIpRanges.size());  // the previous value stays
}

TEST(ServicesConfig, UnknownKeyInServicesIsAnError) {
    Config config;
    InputErrors errors = applyConfigText(config, "[services]\ncluster-ip-range = [\"10.96.0.0/12\"]\n", "c.toml");
    LONGS_EQUAL_TEXT(1, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    CHECK(errors[0].toString().find("cluster-ip-range") != std::string::npos);
}
