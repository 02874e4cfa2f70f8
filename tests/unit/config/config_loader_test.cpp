// loadConfig(): the main file, drop-ins in name order, the host-name default.
// Inputs are the files under tests/data/config.
#include <CppUTest/TestHarness.h>
#include <unistd.h>

#include <cctype>
#include <climits>

#include "config/config.h"

using nodeplane::formatInputErrors;
using nodeplane::config::loadConfig;

namespace {

std::string dataPath(const std::string& relative) { return std::string(NODEPLANE_TEST_DATA) + "/config/" + relative; }

}  // namespace

TEST_GROUP(ConfigLoader){};

TEST(ConfigLoader, DropInsMergeOverTheMainFileInNameOrder) {
    auto result = loadConfig(dataPath("layered/nodeplane.toml"));
    STRCMP_EQUAL("", formatInputErrors(result.errors).c_str());
    const auto& config = result.loaded.config;
    LONGS_EQUAL(20, config.lifecycle.drainSeconds);                         // 20-last.toml, merged last
    STRCMP_EQUAL("127.0.0.1:10256", config.health.listen.c_str());          // 00-image.toml only
    STRCMP_EQUAL("debug", config.log.level.c_str());                        // 10-site.toml only
    STRCMP_EQUAL("/run/nodeplane-test/bpf", config.datapath.bpffs.c_str());  // main file only
    STRCMP_EQUAL("node-a", config.node.name.c_str());
    // Hidden files and files not named *.toml are not drop-ins.
    LONGS_EQUAL(4, result.loaded.files.size());
    STRCMP_EQUAL(dataPath("layered/nodeplane.toml").c_str(), result.loaded.files[0].c_str());
    STRCMP_EQUAL(dataPath("layered/nodeplane.toml.d/00-image.toml").c_str(), result.loaded.files[1].c_str());
    STRCMP_EQUAL(dataPath("layered/nodeplane.toml.d/10-site.toml").c_str(), result.loaded.files[2].c_str());
    STRCMP_EQUAL(dataPath("layered/nodeplane.toml.d/20-last.toml").c_str(), result.loaded.files[3].c_str());
}

TEST(ConfigLoader, MissingDropInDirectoryIsFine) {
    auto result = loadConfig(dataPath("no-name/nodeplane.toml"));
    STRCMP_EQUAL("", formatInputErrors(result.errors).c_str());
    LONGS_EQUAL(1, result.loaded.files.size());
    LONGS_EQUAL(1, result.loaded.config.lifecycle.drainSeconds);
}

TEST(ConfigLoader, NodeNameDefaultsToTheLowercasedHostName) {
    char host[HOST_NAME_MAX + 1] = {};
    LONGS_EQUAL(0, gethostname(host, sizeof host - 1));
    std::string expected(host);
    for (char& c : expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto result = loadConfig(dataPath("no-name/nodeplane.toml"));
    STRCMP_EQUAL("", formatInputErrors(result.errors).c_str());
    CHECK_FALSE(expected.empty());
    STRCMP_EQUAL(expected.c_str(), result.loaded.config.node.name.c_str());
}

TEST(ConfigLoader, MissingMainFileIsAnError) {
    auto result = loadConfig(dataPath("does-not-exist.toml"));
    CHECK_FALSE(result.ok());
    LONGS_EQUAL(1, result.errors.size());
    STRCMP_EQUAL((dataPath("does-not-exist.toml") + ": cannot read: No such file or directory").c_str(),
                 result.errors[0].toString().c_str());
    LONGS_EQUAL(0, result.loaded.files.size());
}

TEST(ConfigLoader, ErrorsOfEveryFileComeBackAndNothingElse) {
    auto result = loadConfig(dataPath("broken/nodeplane.toml"));
    CHECK_FALSE(result.ok());
    LONGS_EQUAL(3, result.errors.size());
    STRCMP_EQUAL((dataPath("broken/nodeplane.toml") +
                  ":5:10: [state]: key 'source': unknown value 'snapshots'; expected one of snapshot, kubernetes")
                     .c_str(),
                 result.errors[0].toString().c_str());
    STRCMP_EQUAL((dataPath("broken/nodeplane.toml.d/10-site.toml") +
                  ":2:10: [health]: key 'listen': port 0 is out of range 1-65535")
                     .c_str(),
                 result.errors[1].toString().c_str());
    STRCMP_EQUAL((dataPath("broken/nodeplane.toml.d/20-syntax.toml") +
                  ":2:14: Error while parsing string: unescaped control characters other than TAB (U+0009) are "
                  "explicitly prohibited")
                     .c_str(),
                 result.errors[2].toString().c_str());
    // Nothing of a broken configuration is handed out.
    LONGS_EQUAL(0, result.loaded.files.size());
    STRCMP_EQUAL("", result.loaded.config.node.name.c_str());
}

TEST(ConfigLoader, DropInPathThatIsNotADirectoryIsAnError) {
    auto result = loadConfig(dataPath("drop-in-dir-is-a-file/nodeplane.toml"));
    LONGS_EQUAL(1, result.errors.size());
    STRCMP_EQUAL((dataPath("drop-in-dir-is-a-file/nodeplane.toml.d") + ": Failed to list '" +
                  dataPath("drop-in-dir-is-a-file/nodeplane.toml.d") + "': Not a directory")
                     .c_str(),
                 result.errors[0].toString().c_str());
}
