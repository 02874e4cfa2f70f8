// The snapshot cache: a reload parses only the files that changed, and its
// verdict and model are exactly loadSnapshot()'s.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "snapshot_test_support.h"
#include "state/snapshot_cache.h"

using namespace nodeplane;
using namespace nodeplane::state;

namespace {

namespace fs = std::filesystem;

// A scratch snapshot directory, removed with everything in it.
class ScratchDir {
public:
    ScratchDir() {
        char name[] = "/tmp/np-snapshot-cache-XXXXXX";
        if (::mkdtemp(name)) path_ = name;
    }
    ~ScratchDir() {
        std::error_code ec;
        if (!path_.empty()) fs::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

    // Written beside, then renamed into place, as a careful writer does; its
    // time set a minute back so the cache may trust it (see kRacyNs).
    void write(const std::string& name, const std::string& text, bool settled = true) const {
        const std::string staged = file("." + name + ".staged");
        std::ofstream(staged) << text;
        if (settled) age(staged);
        fs::rename(staged, file(name));
    }
    // Overwritten in place (same inode), settled like write().
    void overwrite(const std::string& name, const std::string& text) const {
        std::ofstream(file(name), std::ios::trunc) << text;
        age(file(name));
    }

private:
    static void age(const std::string& path) {
        timespec times[2];
        ::clock_gettime(CLOCK_REALTIME, &times[0]);
        times[0].tv_sec -= 60;
        times[1] = times[0];
        ::utimensat(AT_FDCWD, path.c_str(), times, 0);
    }

    std::string path_;
};

const std::string kCluster =
    "format = 1\nnode = \"node-a\"\n[[nodes]]\nname = \"node-a\"\n"
    "[[nodes]]\nname = \"node-b\"\n";

std::string service(const std::string& name, const std::string& clusterIp, int endpoints) {
    std::string s = "format = 1\n[[services]]\nnamespace = \"shop\"\nname = \"" + name + "\"\nclusterIPs = [\"" + clusterIp +
                    "\"]\nports = [{ name = \"http\", port = 80, targetPort = 8080 }]\n"
                    "[[endpointSlices]]\nnamespace = \"shop\"\nname = \"" +
                    name + "-1\"\nservice = \"" + name +
                    "\"\naddressType = \"IPv4\"\nports = [{ name = \"http\", port = 8080 }]\nendpoints = [\n";
    for (int i = 0; i < endpoints; ++i) s += "  { addresses = [\"10.200.2." + std::to_string(10 + i) + "\"] },\n";
    return s + "]\n";
}

}  // namespace

TEST_GROUP(SnapshotCache) {
    ScratchDir dir;
    SnapshotCache cache;

    void setup() override {
        CHECK(!dir.path().empty());
        dir.write("00-cluster.toml", kCluster);
        dir.write("10-web.toml", service("web", "10.96.0.10", 2));
        dir.write("20-api.toml", service("api", "10.96.0.20", 3));
    }

    // The cache's answer is the uncached loader's, model and errors alike.
    const SnapshotLoadResult& loadAndCompare() {
        const auto& cached = cache.load(dir.path());
        auto fresh = loadSnapshot(dir.path());
        STRCMP_EQUAL(formatInputErrors(fresh.errors).c_str(), formatInputErrors(cached.errors).c_str());
        CHECK(fresh.model == cached.model);
        CHECK(fresh.files == cached.files);
        return cached;
    }
};

TEST(SnapshotCache, ASecondLoadOfTheSameFilesParsesNothing) {
    const auto& first = loadAndCompare();
    STRCMP_EQUAL("", formatInputErrors(first.errors).c_str());
    LONGS_EQUAL(3, cache.lastParsed());
    const auto& second = loadAndCompare();
    CHECK(second.ok());
    LONGS_EQUAL(0, cache.lastParsed());
    LONGS_EQUAL(2, second.model.services.size());
    LONGS_EQUAL(2, second.model.endpointSlices.size());
    STRCMP_EQUAL("node-a", second.model.node.c_str());
}

TEST(SnapshotCache, ARenamedInFileIsTheOnlyOneParsed) {
    loadAndCompare();
    dir.write("10-web.toml", service("web", "10.96.0.10", 5));
    const auto& result = loadAndCompare();
    CHECK(result.ok());
    LONGS_EQUAL(1, cache.lastParsed());
    STRCMP_EQUAL("web", result.model.endpointSlices[0].service.c_str());
    LONGS_EQUAL(5, result.model.endpointSlices[0].endpoints.size());
    LONGS_EQUAL(3, result.model.endpointSlices[1].endpoints.size());
}

TEST(SnapshotCache, AnEditInPlaceIsSeen) {
    loadAndCompare();
    // Same inode; one endpoint more changes the size and the time.
    dir.overwrite("20-api.toml", service("api", "10.96.0.20", 4));
    const auto& result = loadAndCompare();
    LONGS_EQUAL(1, cache.lastParsed());
    LONGS_EQUAL(4, result.model.endpointSlices[1].endpoints.size());
}

TEST(SnapshotCache, AFileWrittenJustNowIsParsedAgainNextTime) {
    dir.write("10-web.toml", service("web", "10.96.0.10", 2), false);
    loadAndCompare();
    LONGS_EQUAL(3, cache.lastParsed());
    loadAndCompare();
    LONGS_EQUAL(1, cache.lastParsed());  // it could still change within the same clock tick
}

// One bad file refuses the whole snapshot; fixing it brings everything back
// without parsing the good files again.
TEST(SnapshotCache, ABadFileRefusesTheWholeSnapshotUntilFixed) {
    loadAndCompare();
    dir.write("20-api.toml", service("api", "10.96.0.10", 3));  // web's cluster IP
    const auto& refused = loadAndCompare();
    CHECK_FALSE(refused.ok());
    LONGS_EQUAL(1, refused.errors.size());
    STRCMP_CONTAINS("10.96.0.10 is already a cluster IP of Service shop/web", refused.errors[0].toString().c_str());
    CHECK(refused.model == Model{});
    LONGS_EQUAL(1, cache.lastParsed());

    dir.write("20-api.toml", service("api", "10.96.0.20", 3));
    const auto& fixed = loadAndCompare();
    CHECK(fixed.ok());
    LONGS_EQUAL(1, cache.lastParsed());
    LONGS_EQUAL(2, fixed.model.services.size());
}

TEST(SnapshotCache, ASyntaxErrorIsReportedAgainFromTheCache) {
    dir.write("20-api.toml", "[[services]\n");
    const auto& first = loadAndCompare();
    CHECK_FALSE(first.ok());
    const auto& second = loadAndCompare();
    LONGS_EQUAL(0, cache.lastParsed());
    CHECK_FALSE(second.ok());
    LONGS_EQUAL(1, second.errors.size());
}

TEST(SnapshotCache, FilesComeAndGo) {
    loadAndCompare();
    dir.write("15-db.toml", service("db", "10.96.0.15", 1));
    const auto& added = loadAndCompare();
    LONGS_EQUAL(1, cache.lastParsed());
    LONGS_EQUAL(3, added.model.services.size());
    STRCMP_EQUAL("db", added.model.services[1].name.c_str());

    fs::remove(dir.file("10-web.toml"));
    const auto& removed = loadAndCompare();
    LONGS_EQUAL(0, cache.lastParsed());
    LONGS_EQUAL(2, removed.model.services.size());
    STRCMP_EQUAL("db", removed.model.services[0].name.c_str());
    STRCMP_EQUAL("api", removed.model.services[1].name.c_str());
}

TEST(SnapshotCache, ASingleFileSnapshotIsCachedToo) {
    const std::string head = kCluster.substr(0, kCluster.find("[[nodes]]"));
    const std::string nodes = kCluster.substr(kCluster.find("[[nodes]]"));
    // One document: `format` once, at the top.
    auto single = [&](int endpoints) {
        auto svc = service("web", "10.96.0.10", endpoints);
        return head + svc.substr(svc.find('\n') + 1) + nodes;
    };
    dir.write("all.toml", single(2));
    const auto& first = cache.load(dir.file("all.toml"));
    CHECK(first.ok());
    LONGS_EQUAL(1, cache.lastParsed());
    cache.load(dir.file("all.toml"));
    LONGS_EQUAL(0, cache.lastParsed());
    dir.write("all.toml", single(3));
    const auto& changed = cache.load(dir.file("all.toml"));
    LONGS_EQUAL(1, cache.lastParsed());
    LONGS_EQUAL(3, changed.model.endpointSlices[0].endpoints.size());
}

TEST(SnapshotCache, AVanishedSnapshotIsAnErrorAndForgetsTheCache) {
    loadAndCompare();
    const auto& gone = cache.load(dir.file("missing"));
    CHECK_FALSE(gone.ok());
    const auto& back = loadAndCompare();
    CHECK(back.ok());
    LONGS_EQUAL(3, cache.lastParsed());
}

// What each load reports changed, by object.
TEST(SnapshotCache, TheFirstLoadChangesEverythingAndAnUnchangedOneNothing) {
    loadAndCompare();
    CHECK(cache.lastChanges().everything);
    loadAndCompare();
    CHECK(cache.lastChanges().empty());
}

TEST(SnapshotCache, AnEndpointChangeNamesOnlyItsService) {
    loadAndCompare();
    dir.write("10-web.toml", service("web", "10.96.0.10", 3));
    loadAndCompare();
    const auto& changes = cache.lastChanges();
    CHECK_FALSE(changes.everything);
    CHECK(changes.services.empty());  // the Service itself is equal
    CHECK((changes.endpointSlicesOf == std::set<ObjectKey>{{"shop", "web"}}));
    CHECK_FALSE(changes.nodes || changes.pods || changes.namespaces || changes.networkPolicies);
    CHECK_FALSE(changes.policyInputs());
    CHECK((changes.servicesTouched() == std::set<ObjectKey>{{"shop", "web"}}));
}

TEST(SnapshotCache, ARewrittenFileWithTheSameObjectsChangesNothing) {
    loadAndCompare();
    dir.write("20-api.toml", service("api", "10.96.0.20", 3));
    loadAndCompare();
    LONGS_EQUAL(1, cache.lastParsed());
    CHECK(cache.lastChanges().empty());
}

TEST(SnapshotCache, AFileGoneTakesItsObjectsWithIt) {
    loadAndCompare();
    fs::remove(dir.file("20-api.toml"));
    loadAndCompare();
    const auto& changes = cache.lastChanges();
    CHECK((changes.services == std::set<ObjectKey>{{"shop", "api"}}));
    CHECK((changes.endpointSlicesOf == std::set<ObjectKey>{{"shop", "api"}}));
}

TEST(SnapshotCache, AFileAddedBringsItsObjects) {
    loadAndCompare();
    dir.write("15-db.toml", service("db", "10.96.0.15", 1));
    loadAndCompare();
    CHECK((cache.lastChanges().servicesTouched() == std::set<ObjectKey>{{"shop", "db"}}));
}

TEST(SnapshotCache, ANodeChangeIsFlagged) {
    loadAndCompare();
    dir.write("00-cluster.toml", kCluster + "[[nodes]]\nname = \"node-c\"\n");
    loadAndCompare();
    CHECK(cache.lastChanges().nodes);
    CHECK(cache.lastChanges().policyInputs());
    CHECK(cache.lastChanges().servicesTouched().empty());
}

// A refused load's changes count: their sum with the next load's names every
// object that differs from the last state that was good.
TEST(SnapshotCache, ChangesAcrossARefusedLoadAddUp) {
    loadAndCompare();
    SnapshotChanges sum;
    dir.write("10-web.toml", service("web", "10.96.0.20", 4));  // api's cluster IP: refused
    CHECK_FALSE(loadAndCompare().ok());
    sum.add(cache.lastChanges());
    dir.write("10-web.toml", service("web", "10.96.0.10", 4));
    dir.write("20-api.toml", service("api", "10.96.0.20", 1));
    CHECK(loadAndCompare().ok());
    sum.add(cache.lastChanges());
    CHECK((sum.services == std::set<ObjectKey>{{"shop", "web"}}));  // its cluster IP went and came back
    CHECK((sum.endpointSlicesOf == std::set<ObjectKey>{{"shop", "api"}, {"shop", "web"}}));
}

TEST(SnapshotCache, AfterAVanishedSnapshotEverythingChanges) {
    loadAndCompare();
    cache.load(dir.file("missing"));
    loadAndCompare();
    CHECK(cache.lastChanges().everything);
}

// A file in the middle that now holds more objects (and one that then holds
// fewer) is put back where it was: the model is the uncached loader's, in
// its order.
TEST(SnapshotCache, AFileThatGrowsOrShrinksKeepsItsPlace) {
    loadAndCompare();
    dir.write("10-web.toml", service("web", "10.96.0.10", 2) + service("cart", "10.96.0.11", 1).substr(11));
    const auto& grown = loadAndCompare();
    CHECK(grown.ok());
    LONGS_EQUAL(3, grown.model.services.size());
    STRCMP_EQUAL("cart", grown.model.services[1].name.c_str());
    CHECK((cache.lastChanges().servicesTouched() == std::set<ObjectKey>{{"shop", "cart"}}));
    dir.write("10-web.toml", service("web", "10.96.0.10", 2));
    const auto& shrunk = loadAndCompare();
    LONGS_EQUAL(2, shrunk.model.services.size());
    STRCMP_EQUAL("api", shrunk.model.services[1].name.c_str());
    // The claims of the file that shrank went with it: its cluster IP is free.
    dir.write("20-api.toml", service("api", "10.96.0.11", 3));
    CHECK(loadAndCompare().ok());
}
