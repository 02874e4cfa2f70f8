// The manual drain's marker file, in a scratch directory.
#include <CppUTest/TestHarness.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "daemon/drain_marker.h"

using namespace nodeplane::daemon;

TEST_GROUP(DrainMarker) {
    std::string dir;
    std::string path;
    void setup() override {
        char tmpl[] = "/tmp/np-drain-marker-XXXXXX";
        CHECK_TRUE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        path = dir + "/drained";
    }
    void teardown() override {
        ::unlink(path.c_str());
        ::unlink((path + ".tmp").c_str());
        ::rmdir(dir.c_str());
    }
};

TEST(DrainMarker, AbsentMeansNotDrained) {
    auto since = readDrainMarker(path);
    CHECK_TRUE(since.ok());
    CHECK_FALSE(since->has_value());
}

TEST(DrainMarker, WrittenMarkerCarriesItsTimeAndNote) {
    const auto before = std::chrono::system_clock::now() - std::chrono::seconds(1);
    CHECK_TRUE(writeDrainMarker(path, "drained by nodeplanectl").ok());
    auto since = readDrainMarker(path);
    CHECK_TRUE(since.ok());
    CHECK_TRUE(since->has_value());
    CHECK_TRUE(**since >= before);
    CHECK_TRUE(**since <= std::chrono::system_clock::now());
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    STRCMP_EQUAL("drained by nodeplanectl\n", text.str().c_str());
    CHECK_TRUE(::access((path + ".tmp").c_str(), F_OK) != 0);
}

TEST(DrainMarker, RemovedMarkerIsGoneAndRemovingTwiceIsFine) {
    CHECK_TRUE(writeDrainMarker(path, "x").ok());
    CHECK_TRUE(removeDrainMarker(path).ok());
    CHECK_FALSE(readDrainMarker(path)->has_value());
    CHECK_TRUE(removeDrainMarker(path).ok());
}

TEST(DrainMarker, MissingDirectoryIsAnErrorNamingThePath) {
    auto written = writeDrainMarker(dir + "/no/such/drained", "x");
    CHECK_FALSE(written.ok());
    STRCMP_CONTAINS("/no/such/drained", written.error().message.c_str());
}
