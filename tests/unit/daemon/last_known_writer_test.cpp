// The last-known snapshot's writer thread, in a scratch directory.
#include <CppUTest/TestHarness.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "daemon/last_known_writer.h"
#include "state/snapshot_loader.h"

using namespace nodeplane;
using nodeplane::daemon::LastKnownWriter;

namespace {

state::Model modelWithNamespaces(std::initializer_list<const char*> names) {
    state::Model m;
    m.node = "node-a";
    state::Node node;
    node.name = "node-a";
    m.nodes.push_back(node);
    for (const char* name : names) {
        state::Namespace ns;
        ns.name = name;
        m.namespaces.push_back(ns);
    }
    return m;
}

}  // namespace

TEST_GROUP(LastKnownWriter) {
    std::string dir;
    void setup() override {
        char tmpl[] = "/tmp/np-last-known-XXXXXX";
        CHECK_TRUE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
    }
    void teardown() override { std::filesystem::remove_all(dir); }
};

TEST(LastKnownWriter, TheNewestModelIsWrittenBeforeItStopsAndLoadsAgain) {
    const std::string path = dir + "/sub/last-known.toml";  // its directory is made
    {
        LastKnownWriter writer(path);
        LONGS_EQUAL(0, writer.savedUsec());
        writer.submit(modelWithNamespaces({"one"}));
        writer.submit(modelWithNamespaces({"one", "two"}));
    }  // stopping writes what is queued
    auto loaded = state::loadSnapshot(path);
    CHECK_TEXT(loaded.ok(), formatInputErrors(loaded.errors).c_str());
    LONGS_EQUAL(2, loaded.model.namespaces.size());
    STRCMP_EQUAL("two", loaded.model.namespaces[1].name.c_str());
    struct stat st {};
    CHECK_TRUE(::stat(path.c_str(), &st) == 0);
    LONGS_EQUAL(0600, st.st_mode & 0777);
}

TEST(LastKnownWriter, SavedTimeIsSetOnceWritten) {
    LastKnownWriter writer(dir + "/last-known.toml");
    writer.submit(modelWithNamespaces({"one"}));
    for (int i = 0; i < 500 && writer.savedUsec() == 0; ++i) ::usleep(10'000);
    CHECK_TRUE(writer.savedUsec() > 0);
}

TEST(LastKnownWriter, AFailedWriteSetsNoSavedTime) {
    // A directory where the file should be: the rename over it fails.
    const std::string path = dir + "/taken";
    std::filesystem::create_directories(path + "/inside");
    LastKnownWriter writer(path);
    writer.submit(modelWithNamespaces({"one"}));
    ::usleep(200'000);
    LONGS_EQUAL(0, writer.savedUsec());
}
