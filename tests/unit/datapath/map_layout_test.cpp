// The layout version chain: which steps a version runs from a pinned layout,
// and the refusal when there is none. Pure: no maps.
#include <CppUTest/TestHarness.h>

#include <array>
#include <string>

#include "datapath/map_migration_layout.h"
#include "datapath/map_migration_refusal.h"

using namespace nodeplane;
using namespace nodeplane::datapath;

namespace {

Status noop(const std::string&) { return {}; }

const std::array<LayoutStep, 3> kSteps = {LayoutStep{1, 2, "one to two", &noop},
                                          LayoutStep{2, 3, "two to three", &noop},
                                          LayoutStep{3, 4, "three to four", &noop}};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_GROUP(LayoutPath){};

TEST(LayoutPath, TheSameLayoutNeedsNoStep) {
    auto path = layoutPath(3, 3, kSteps, "/sys/fs/bpf/np");
    CHECK_TRUE(path.ok());
    LONGS_EQUAL(0, path->size());
}

TEST(LayoutPath, StepsChainFromThePinnedLayoutToTheWantedOne) {
    auto path = layoutPath(1, 3, kSteps, "/sys/fs/bpf/np");
    CHECK_TRUE(path.ok());
    LONGS_EQUAL(2, path->size());
    STRCMP_EQUAL("one to two", path->at(0)->what);
    STRCMP_EQUAL("two to three", path->at(1)->what);
}

TEST(LayoutPath, AMissingStepIsARefusalNamingBothLayouts) {
    const std::array<LayoutStep, 1> onlyFirst = {LayoutStep{1, 2, "one to two", &noop}};
    auto path = layoutPath(1, 3, onlyFirst, "/sys/fs/bpf/np");
    CHECK_FALSE(path.ok());
    CHECK_TRUE(isLayoutRefusal(path.error()));
    const auto& message = path.error().message;
    CHECK_TEXT(contains(message, "pinned datapath layout 1, this version needs layout 3"), message.c_str());
    CHECK_TEXT(contains(message, "no migration from layout 2"), message.c_str());
    CHECK_TEXT(contains(message, "'/sys/fs/bpf/np'"), message.c_str());
    CHECK_TEXT(contains(message, "nodeplanectl teardown"), message.c_str());
    CHECK_TEXT(contains(message, "keeps forwarding"), message.c_str());
}

TEST(LayoutPath, ANewerPinnedLayoutIsRefused) {
    auto path = layoutPath(4, 2, kSteps, "/sys/fs/bpf/np");
    CHECK_FALSE(path.ok());
    CHECK_TRUE(isLayoutRefusal(path.error()));
    CHECK_TEXT(contains(path.error().message, "pinned datapath layout 4, this version needs layout 2"),
               path.error().message.c_str());
    CHECK_TEXT(contains(path.error().message, "newer version"), path.error().message.c_str());
}

TEST(LayoutPath, ThisVersionHasNoStepsAndLayoutOne) {
    LONGS_EQUAL(1, kDatapathLayoutVersion);
    LONGS_EQUAL(0, layoutSteps().size());
    CHECK_FALSE(layoutPath(0, 1, layoutSteps(), "/x").ok());  // 0 is never a pinned layout
}

TEST_GROUP(LayoutRefusal){};

TEST(LayoutRefusal, OnlyRefusalsAreRecognised) {
    CHECK_TRUE(isLayoutRefusal(layoutRefusal("/b", "something differs")));
    CHECK_FALSE(isLayoutRefusal(Error::fromErrno(EPROTO, "Failed to load")));
    CHECK_FALSE(isLayoutRefusal(Error::logical("Refusing to adopt the pinned datapath under '/b': x")));
}
