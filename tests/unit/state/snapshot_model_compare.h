// Comparing models that came through different files: the source locations
// say where each object was read, not what it is, so they are cleared before
// comparing; every other field must be equal.
#pragma once

#include <CppUTest/TestHarness.h>

#include "state/model.h"

namespace nodeplane::state::test {

inline Model withoutLocations(Model m) {
    auto clear = [](auto& objects) {
        for (auto& o : objects) o.where = SourceLocation{};
    };
    clear(m.nodes);
    clear(m.namespaces);
    clear(m.pods);
    clear(m.services);
    clear(m.endpointSlices);
    clear(m.networkPolicies);
    return m;
}

// Kind by kind first, so that a failure says where the difference is.
inline void checkSameModel(const Model& expected, const Model& got) {
    Model e = withoutLocations(expected);
    Model g = withoutLocations(got);
    STRCMP_EQUAL(e.node.c_str(), g.node.c_str());
    CHECK(e.nodes == g.nodes);
    CHECK(e.namespaces == g.namespaces);
    CHECK(e.pods == g.pods);
    CHECK(e.services == g.services);
    CHECK(e.endpointSlices == g.endpointSlices);
    CHECK(e.networkPolicies == g.networkPolicies);
    CHECK(e == g);
}

}  // namespace nodeplane::state::test
