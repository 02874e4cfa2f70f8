// A snapshot directory: *.toml files in name order, merged, checked whole.
#include "snapshot_test_support.h"

using namespace nodeplane;
using namespace nodeplane::state;
using nodeplane::state::test::dataPath;

TEST_GROUP(SnapshotDirectory){};

TEST(SnapshotDirectory, MergesFilesInNameOrder) {
    auto result = loadSnapshot(dataPath("merged"));
    STRCMP_EQUAL("", formatInputErrors(result.errors).c_str());
    // Hidden files and files not named *.toml are not read.
    LONGS_EQUAL(3, result.files.size());
    STRCMP_EQUAL(dataPath("merged/10-cluster.toml").c_str(), result.files[0].c_str());
    STRCMP_EQUAL(dataPath("merged/20-shop.toml").c_str(), result.files[1].c_str());
    STRCMP_EQUAL(dataPath("merged/30-slices.toml").c_str(), result.files[2].c_str());

    const Model& m = result.model;
    STRCMP_EQUAL("node-a", m.node.c_str());
    LONGS_EQUAL(2, m.nodes.size());
    LONGS_EQUAL(2, m.pods.size());
    STRCMP_EQUAL("web-1", m.pods[0].name.c_str());
    STRCMP_EQUAL("web-2", m.pods[1].name.c_str());
    CHECK(m.pods[1].where == (SourceLocation{dataPath("merged/20-shop.toml"), 11, 1}));
    LONGS_EQUAL(1, m.services.size());
    // A reference across files resolves: the slice (30-) names the Service (20-).
    LONGS_EQUAL(1, m.endpointSlices.size());
    STRCMP_EQUAL("web", m.endpointSlices[0].service.c_str());
    STRCMP_EQUAL("node-b", m.endpointSlices[0].endpoints[1].nodeName.c_str());
}

TEST(SnapshotDirectory, DuplicateAcrossFilesNamesTheSecondAndWhereTheFirstIs) {
    auto result = loadSnapshot(dataPath("duplicate"));
    CHECK_FALSE(result.ok());
    LONGS_EQUAL(1, result.errors.size());
    STRCMP_EQUAL((dataPath("duplicate/20-b.toml") + ":4:1: Service shop/web: defined twice; the first is at " +
                  dataPath("duplicate/10-a.toml") + ":7:1")
                     .c_str(),
                 result.errors[0].toString().c_str());
    CHECK(result.model == Model{});
}

TEST(SnapshotDirectory, FilesMustAgreeOnTheNode) {
    auto result = loadSnapshot(dataPath("node-conflict"));
    LONGS_EQUAL(1, result.errors.size());
    STRCMP_EQUAL((dataPath("node-conflict/20-b.toml") + ":2:8: key 'node': 'node-b' differs from 'node-a' set at " +
                  dataPath("node-conflict/10-a.toml") + ":2:8")
                     .c_str(),
                 result.errors[0].toString().c_str());
}

TEST(SnapshotDirectory, DirectoryWithoutTomlFilesIsAnError) {
    auto result = loadSnapshot(dataPath("no-toml"));
    LONGS_EQUAL(1, result.errors.size());
    STRCMP_EQUAL((dataPath("no-toml") + ": no *.toml files in this directory").c_str(),
                 result.errors[0].toString().c_str());
}

TEST(SnapshotDirectory, MissingPathIsAnError) {
    auto result = loadSnapshot(dataPath("does-not-exist"));
    LONGS_EQUAL(1, result.errors.size());
    STRCMP_EQUAL((dataPath("does-not-exist") + ": cannot read: No such file or directory").c_str(),
                 result.errors[0].toString().c_str());
}
