// The big snapshot generator: the text is a valid snapshot the daemon's own
// loader and service compiler accept, with the services, endpoints and the
// extra endpoint where the spec puts them, and the same spec gives the same
// bytes.
#include <CppUTest/TestHarness.h>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "compiler/services.h"
#include "scale/big_snapshot.h"
#include "state/snapshot_loader.h"

using namespace nodeplane;
using namespace nodeplane::bench;

namespace {

compiler::DesiredServices compileLoaded(const BigSnapshotSpec& spec, const state::SnapshotLoadResult& loaded) {
    CHECK_TEXT(loaded.ok(), loaded.ok() ? "" : loaded.errors.front().toString().c_str());
    STRCMP_EQUAL(spec.node.c_str(), loaded.model.node.c_str());
    auto services = compiler::compileServices(loaded.model, {});
    CHECK_TEXT(services.ok(), services.ok() ? "" : services.errors.front().toString().c_str());
    return services.desired;
}

compiler::DesiredServices compile(const BigSnapshotSpec& spec) {
    auto text = renderBigSnapshot(spec);
    CHECK_TRUE(text.has_value());
    return compileLoaded(spec, state::parseSnapshotText(*text, "big.toml"));
}

// A scratch directory, removed with everything in it.
struct ScratchDir {
    std::string path;
    ScratchDir() {
        char name[] = "/tmp/np-big-snapshot-XXXXXX";
        if (::mkdtemp(name)) path = name;
    }
    ~ScratchDir() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
};

// The Cluster backends of the frontend at `address`.
std::size_t backendsOf(const compiler::DesiredServices& d, const IpAddress& address) {
    for (const auto& f : d.frontends)
        if (f.address == address) return d.ports.at(f.portIndex).endpoints.cluster.size();
    FAIL(("no frontend " + address.toString()).c_str());
    return 0;
}

}  // namespace

TEST_GROUP(BigSnapshot){};

TEST(BigSnapshot, SpreadsTheEndpointsOverTheServices) {
    BigSnapshotSpec spec;
    spec.node = "node-a";
    spec.services = 7;
    spec.endpoints = 23;  // 3 each, the first two services one more
    auto d = compile(spec);
    LONGS_EQUAL(7, d.frontends.size());
    LONGS_EQUAL(23, d.backendEntries);
    LONGS_EQUAL(4, backendsOf(d, bigServiceClusterIp(0)));
    LONGS_EQUAL(4, backendsOf(d, bigServiceClusterIp(1)));
    LONGS_EQUAL(3, backendsOf(d, bigServiceClusterIp(6)));
    for (std::uint32_t s = 0; s < 7; ++s)
        LONGS_EQUAL(backendsOf(d, bigServiceClusterIp(s)), bigServiceEndpoints(spec, s));
    STRCMP_EQUAL("10.96.0.1", bigServiceClusterIp(0).toString().c_str());
    const auto& f = d.frontends.front();
    LONGS_EQUAL(kBigServicePort, f.port);
    LONGS_EQUAL(kBigTargetPort, d.ports.at(f.portIndex).endpoints.cluster.front().port);
}

TEST(BigSnapshot, TheExtraEndpointIsOneMoreOnOneService) {
    BigSnapshotSpec spec;
    spec.services = 5;
    spec.endpoints = 10;
    spec.extraEndpointOn = 3;
    auto d = compile(spec);
    LONGS_EQUAL(11, d.backendEntries);
    LONGS_EQUAL(3, backendsOf(d, bigServiceClusterIp(3)));
    LONGS_EQUAL(3, bigServiceEndpoints(spec, 3));
    LONGS_EQUAL(2, backendsOf(d, bigServiceClusterIp(2)));
}

TEST(BigSnapshot, SameSpecSameBytes) {
    BigSnapshotSpec spec;
    spec.services = 100;
    spec.endpoints = 1000;
    auto a = renderBigSnapshot(spec);
    auto b = renderBigSnapshot(spec);
    CHECK_TRUE(a && b);
    CHECK_TRUE(*a == *b);
    spec.extraEndpointOn = 0;
    auto c = renderBigSnapshot(spec);
    CHECK_TRUE(c && *c != *a);
}

TEST(BigSnapshot, RefusesSpecsOutOfRange) {
    BigSnapshotSpec spec;
    spec.services = 0;
    CHECK_FALSE(renderBigSnapshot(spec).has_value());
    spec.services = 10;
    spec.extraEndpointOn = 10;
    CHECK_FALSE(renderBigSnapshot(spec).has_value());
    spec.extraEndpointOn.reset();
    spec.endpoints = kMaxBigEndpoints + 1;
    CHECK_FALSE(renderBigSnapshot(spec).has_value());
}

// The directory layout is the same state: merged, it compiles to exactly
// what the single file does, and each service is in the part bigPartOf names.
TEST(BigSnapshot, TheSplitDirectoryIsTheSameSnapshot) {
    BigSnapshotSpec spec;
    spec.services = 37;
    spec.endpoints = 101;
    spec.extraEndpointOn = 36;
    const std::uint32_t parts = 7;
    ScratchDir dir;
    CHECK_FALSE(dir.path.empty());
    auto node = renderBigNodeFile(spec);
    CHECK_TRUE(node.has_value());
    std::ofstream(dir.path + "/" + kBigNodeFile) << *node;
    for (std::uint32_t p = 0; p < parts; ++p) {
        auto part = renderBigPart(spec, parts, p);
        CHECK_TRUE(part.has_value());
        std::ofstream(dir.path + "/" + bigPartFileName(p)) << *part;
    }
    auto loaded = state::loadSnapshot(dir.path);
    LONGS_EQUAL(parts + 1, loaded.files.size());
    CHECK_TRUE(compileLoaded(spec, loaded) == compile(spec));

    for (std::uint32_t s = 0; s < spec.services; ++s) {
        auto part = renderBigPart(spec, parts, bigPartOf(spec, parts, s));
        std::string needle = "name = \"svc-" + std::to_string(s) + "\"\n";
        CHECK_TEXT(part->find(needle) != std::string::npos, needle.c_str());
    }
    STRCMP_EQUAL("services-0006.toml", bigPartFileName(6).c_str());
    CHECK_FALSE(renderBigPart(spec, parts, parts).has_value());
    CHECK_FALSE(renderBigPart(spec, spec.services + 1, 0).has_value());
}
