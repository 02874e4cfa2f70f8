// [policy-logging]: GKE NetworkLogging's allow/deny log and delegate, the
// file, its rotation, the rate limit and the denial window; defaults off.
#include <CppUTest/TestHarness.h>

#include "config/config.h"

using nodeplane::InputErrors;
using nodeplane::config::applyConfigText;
using nodeplane::config::Config;

TEST_GROUP(PolicyLoggingConfig){};

TEST(PolicyLoggingConfig, DefaultsAreOffAsInGke) {
    Config config;
    LONGS_EQUAL(0, applyConfigText(config, "", "c.toml").size());
    const auto& logging = config.policyLogging;
    CHECK_FALSE(logging.allow.log);
    CHECK_FALSE(logging.allow.delegate);
    CHECK_FALSE(logging.deny.log);
    CHECK_FALSE(logging.deny.delegate);
    STRCMP_EQUAL("/var/log/network/policy_action.log", logging.file.c_str());
    CHECK(logging.fileMaxBytes == 10485760u);
    LONGS_EQUAL(5, logging.fileBackups);
    LONGS_EQUAL(500, logging.maxRecordsPerSecond);
    CHECK_TRUE(logging.journal);
    LONGS_EQUAL(5, logging.denyAggregationSeconds);
}

TEST(PolicyLoggingConfig, ReadsEveryKey) {
    Config config;
    InputErrors errors = applyConfigText(config,
                                         "[policy-logging]\n"
                                         "file = \"/srv/log/policy.log\"\n"
                                         "file-max-bytes = 1048576\n"
                                         "file-backups = 2\n"
                                         "max-records-per-second = 100\n"
                                         "journal = false\n"
                                         "deny-aggregation-seconds = 0\n"
                                         "[policy-logging.allow]\n"
                                         "log = true\n"
                                         "delegate = true\n"
                                         "[policy-logging.deny]\n"
                                         "log = true\n",
                                         "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    const auto& logging = config.policyLogging;
    CHECK_TRUE(logging.allow.log);
    CHECK_TRUE(logging.allow.delegate);
    CHECK_TRUE(logging.deny.log);
    CHECK_FALSE(logging.deny.delegate);
    STRCMP_EQUAL("/srv/log/policy.log", logging.file.c_str());
    CHECK(logging.fileMaxBytes == 1048576u);
    LONGS_EQUAL(2, logging.fileBackups);
    LONGS_EQUAL(100, logging.maxRecordsPerSecond);
    CHECK_FALSE(logging.journal);
    LONGS_EQUAL(0, logging.denyAggregationSeconds);
}

TEST(PolicyLoggingConfig, InlineTablesAndAnEmptyFileWork) {
    Config config;
    InputErrors errors = applyConfigText(
        config, "[policy-logging]\nallow = { log = true }\ndeny = { log = true, delegate = true }\nfile = \"\"\n",
        "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    CHECK_TRUE(config.policyLogging.allow.log);
    CHECK_TRUE(config.policyLogging.deny.delegate);
    STRCMP_EQUAL("", config.policyLogging.file.c_str());
}

TEST(PolicyLoggingConfig, DelegateWithoutLogIsRefusedAtItsKey) {
    Config config;
    InputErrors errors =
        applyConfigText(config, "[policy-logging.deny]\nlog = false\ndelegate = true\n", "c.toml");
    LONGS_EQUAL_TEXT(1, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    const std::string text = errors[0].toString();
    CHECK_TEXT(text.find("c.toml:3") == 0, text.c_str());
    CHECK_TEXT(text.find("deny.delegate") != std::string::npos, text.c_str());
    CHECK_TEXT(text.find("needs log = true") != std::string::npos, text.c_str());
    CHECK_FALSE(config.policyLogging.deny.delegate);  // nothing applied
}

TEST(PolicyLoggingConfig, ADropInTurningLogOffUnderDelegateIsRefused) {
    Config config;
    LONGS_EQUAL(0, applyConfigText(config, "[policy-logging.allow]\nlog = true\ndelegate = true\n", "main.toml").size());
    InputErrors errors = applyConfigText(config, "[policy-logging.allow]\nlog = false\n", "10-site.toml");
    LONGS_EQUAL_TEXT(1, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    const std::string text = errors[0].toString();
    CHECK_TEXT(text.find("10-site.toml:2") == 0, text.c_str());
    CHECK_TEXT(text.find("allow.log") != std::string::npos, text.c_str());
    CHECK_TRUE(config.policyLogging.allow.log);
}

TEST(PolicyLoggingConfig, BadValuesAreRefusedWhole) {
    Config config;
    InputErrors errors = applyConfigText(config,
                                         "[policy-logging]\n"
                                         "file = \"relative.log\"\n"
                                         "file-max-bytes = 10\n"
                                         "file-backups = 101\n"
                                         "max-records-per-second = 0\n"
                                         "journal = \"yes\"\n"
                                         "deny-aggregation-seconds = -1\n"
                                         "[policy-logging.allow]\n"
                                         "log = 1\n"
                                         "logg = true\n",
                                         "c.toml");
    LONGS_EQUAL_TEXT(8, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    const std::string text = nodeplane::formatInputErrors(errors);
    for (const char* key : {"file", "file-max-bytes", "file-backups", "max-records-per-second", "journal",
                            "deny-aggregation-seconds", "allow.log", "allow.logg"})
        CHECK_TEXT(text.find(key) != std::string::npos, key);
    CHECK(config.policyLogging == Config::PolicyLogging{});
}
