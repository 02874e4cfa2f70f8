// Helpers shared by the snapshot tests.
#pragma once

#include <CppUTest/TestHarness.h>

#include <string>

#include "state/snapshot_loader.h"

namespace nodeplane::state::test {

// Lines 1-4 of most test snapshots, so that a test's body starts at line 5.
inline constexpr const char* kHead = "format = 1\nnode = \"node-a\"\n[[nodes]]\nname = \"node-a\"\n";

inline std::string dataPath(const std::string& relative) {
    return std::string(NODEPLANE_TEST_DATA) + "/state/" + relative;
}

inline SnapshotLoadResult parse(const std::string& body) { return parseSnapshotText(kHead + body, "s.toml"); }

// kHead + body must be refused with exactly this one error and no model.
inline void checkOneError(const std::string& body, const std::string& expected) {
    auto result = parse(body);
    LONGS_EQUAL_TEXT(1, result.errors.size(), formatInputErrors(result.errors).c_str());
    STRCMP_EQUAL(expected.c_str(), result.errors[0].toString().c_str());
    CHECK_FALSE(result.ok());
    CHECK(result.model == Model{});
}

// kHead + body must parse cleanly.
inline Model parseGood(const std::string& body) {
    auto result = parse(body);
    STRCMP_EQUAL("", formatInputErrors(result.errors).c_str());
    return result.model;
}

}  // namespace nodeplane::state::test
