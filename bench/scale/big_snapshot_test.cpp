// The big snapshot generator: the text is a valid snapshot the daemon's own
// loader and service compiler accept, with the services, endpoints and the
// extra endpoint where the spec puts them, and the same spec gives the same
// bytes.
#include <CppUTest/TestHarness.h>

#include <algorithm>
#include <string>

#include "compiler/services.h"
#include "scale/big_snapshot.h"
#include "state/snapshot_loader.h"

using namespace nodeplane;
using namespace nodeplane::bench;

namespace {

compiler::DesiredServices compile(const BigSnapshotSpec& spec) {
    auto text = renderBigSnapshot(spec);
    CHECK_TRUE(text.has_value());
    auto loaded = state::parseSnapshotText(*text, "big.toml");
    CHECK_TEXT(loaded.ok(), loaded.ok() ? "" : loaded.errors.front().toString().c_str());
    STRCMP_EQUAL(spec.node.c_str(), loaded.model.node.c_str());
    auto services = compiler::compileServices(loaded.model, {});
    CHECK_TEXT(services.ok(), services.ok() ? "" : services.errors.front().toString().c_str());
    return services.desired;
}

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
