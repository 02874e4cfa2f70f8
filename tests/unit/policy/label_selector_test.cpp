#include <CppUTest/TestHarness.h>

#include "policy/label_selector.h"

using namespace nodeplane;
using namespace nodeplane::policy;
using state::SelectorOperator;

namespace {

state::LabelSelector expression(const std::string& key, SelectorOperator op, std::vector<std::string> values = {}) {
    state::LabelSelector s;
    s.matchExpressions.push_back(state::SelectorRequirement{key, op, std::move(values)});
    return s;
}

const state::Labels kWeb{{"app", "web"}, {"tier", "front"}};

}  // namespace

TEST_GROUP(LabelSelector){};

TEST(LabelSelector, EmptySelectsEverythingEvenNoLabels) {
    CHECK(selects({}, kWeb));
    CHECK(selects({}, {}));
}

TEST(LabelSelector, MatchLabelsNeedsEveryPair) {
    state::LabelSelector s;
    s.matchLabels = {{"app", "web"}};
    CHECK(selects(s, kWeb));
    s.matchLabels["tier"] = "back";
    CHECK_FALSE(selects(s, kWeb));
    s.matchLabels["tier"] = "front";
    CHECK(selects(s, kWeb));
    CHECK_FALSE(selects(s, {{"app", "web"}}));
}

TEST(LabelSelector, In) {
    CHECK(selects(expression("app", SelectorOperator::In, {"db", "web"}), kWeb));
    CHECK_FALSE(selects(expression("app", SelectorOperator::In, {"db"}), kWeb));
    CHECK_FALSE(selects(expression("zone", SelectorOperator::In, {"a"}), kWeb));
}

TEST(LabelSelector, NotInHoldsWhenTheKeyIsAbsent) {
    CHECK_FALSE(selects(expression("app", SelectorOperator::NotIn, {"web"}), kWeb));
    CHECK(selects(expression("app", SelectorOperator::NotIn, {"db"}), kWeb));
    CHECK(selects(expression("zone", SelectorOperator::NotIn, {"a"}), kWeb));
}

TEST(LabelSelector, ExistsAndDoesNotExist) {
    CHECK(selects(expression("tier", SelectorOperator::Exists), kWeb));
    CHECK_FALSE(selects(expression("zone", SelectorOperator::Exists), kWeb));
    CHECK(selects(expression("zone", SelectorOperator::DoesNotExist), kWeb));
    CHECK_FALSE(selects(expression("tier", SelectorOperator::DoesNotExist), kWeb));
}

TEST(LabelSelector, LabelsAndExpressionsAreAnded) {
    auto s = expression("tier", SelectorOperator::In, {"front"});
    s.matchLabels = {{"app", "db"}};
    CHECK_FALSE(selects(s, kWeb));
    s.matchLabels = {{"app", "web"}};
    CHECK(selects(s, kWeb));
    s.matchExpressions.push_back(state::SelectorRequirement{"app", SelectorOperator::DoesNotExist, {}});
    CHECK_FALSE(selects(s, kWeb));
}
