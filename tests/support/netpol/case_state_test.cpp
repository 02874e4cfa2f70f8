#include <CppUTest/TestHarness.h>

#include "case_state.h"
#include "case_test_support.h"

using namespace nodeplane;
using namespace nodeplane::netpol;
using namespace nodeplane::netpol::testing;
using nlohmann::json;

namespace {

json create(const char* ns, const char* name, const char* spec) {
    return {{"action", "create_policy"}, {"policy", tinyPolicy(ns, name, spec)}};
}
json update(const char* ns, const char* name, const char* spec) {
    return {{"action", "update_policy"}, {"policy", tinyPolicy(ns, name, spec)}};
}

CaseSet load(const json& steps) {
    auto set = readCaseDocuments({tinyDocument(steps)}, {"tiny.json"});
    if (!set) FAIL(set.error().message.c_str());
    return *set;
}

std::string stateError(const json& steps, int step) {
    CaseSet set = load(steps);
    auto state = stateAfterStep(set.model, set.cases[0], step);
    return state ? "no error" : state.error().message;
}

}  // namespace

TEST_GROUP(CaseState){};

TEST(CaseState, StepsAreCumulative) {
    CaseSet set = load(json::array({
        tinyStep(1, json::array({create("x", "p1", R"({"podSelector": {}, "ingress": [], "policyTypes": ["Ingress"]})"),
                                 create("y", "p2", R"({"podSelector": {}})")})),
        tinyStep(2, json::array({update("x", "p1", R"({"podSelector": {}, "ingress": [{}]})"),
                                 json{{"action", "add_namespace_label"}, {"namespace", "y"}, {"labels", {{"team", "b"}}}}})),
        tinyStep(3, json::array({json{{"action", "add_pod_labels"}, {"pod", "x/a"}, {"labels", {{"pod", "z"}, {"k", "v"}}}},
                                 json{{"action", "delete_all_policies"}}})),
    }));
    auto one = stateAfterStep(set.model, set.cases[0], 1);
    CHECK_TRUE(one.ok());
    LONGS_EQUAL(2, one->policies.size());
    STRCMP_EQUAL(R"([])", one->policies[0]["spec"]["ingress"].dump().c_str());

    auto two = stateAfterStep(set.model, set.cases[0], 2);
    CHECK_TRUE(two.ok());
    LONGS_EQUAL(2, two->policies.size());
    STRCMP_EQUAL("p1", two->policies[0]["metadata"]["name"].get<std::string>().c_str());  // updated in place
    STRCMP_EQUAL(R"([{}])", two->policies[0]["spec"]["ingress"].dump().c_str());
    STRCMP_EQUAL("b", two->namespaces[1].labels.at("team").c_str());
    STRCMP_EQUAL("y", two->namespaces[1].labels.at("ns").c_str());  // kept
    STRCMP_EQUAL("a", two->pods[0].labels.at("pod").c_str());        // not yet

    auto three = stateAfterStep(set.model, set.cases[0], 3);
    CHECK_TRUE(three.ok());
    LONGS_EQUAL(0, three->policies.size());
    STRCMP_EQUAL("z", three->pods[0].labels.at("pod").c_str());  // overwritten
    STRCMP_EQUAL("v", three->pods[0].labels.at("k").c_str());
    STRCMP_EQUAL("b", three->namespaces[1].labels.at("team").c_str());  // from step 2, still there
}

TEST(CaseState, MistakesNameCaseStepAndAction) {
    STRCMP_EQUAL("case t-1 step 2: actions[0] (create_policy): policy: NetworkPolicy x/p already exists",
                 stateError(json::array({tinyStep(1, json::array({create("x", "p", "{}")})),
                                         tinyStep(2, json::array({create("x", "p", "{}")}))}),
                            2)
                     .c_str());
    STRCMP_EQUAL("case t-1 step 1: actions[1] (update_policy): policy: NetworkPolicy y/p does not exist",
                 stateError(json::array({tinyStep(1, json::array({create("x", "p", "{}"), update("y", "p", "{}")}))}), 1)
                     .c_str());
    STRCMP_EQUAL("case t-1 step 1: actions[0] (add_pod_labels): pod: 'z/a' is not a pod of the model",
                 stateError(json::array({tinyStep(1, json::array({json{{"action", "add_pod_labels"}, {"pod", "z/a"},
                                                                        {"labels", json::object()}}}))}),
                            1)
                     .c_str());
    STRCMP_EQUAL("case t-1 step 1: actions[0]: action: unknown action 'delete_policy'",
                 stateError(json::array({tinyStep(1, json::array({json{{"action", "delete_policy"}}}))}), 1).c_str());
    STRCMP_EQUAL("case t-1: no step 2 (it has 1)", stateError(json::array({tinyStep(1, json::array())}), 2).c_str());
}

TEST(CaseState, ALaterStepsMistakeDoesNotSpoilEarlierSteps) {
    json steps = json::array({tinyStep(1, json::array({create("x", "p", "{}")})),
                              tinyStep(2, json::array({create("x", "p", "{}")}))});
    STRCMP_EQUAL("no error", stateError(steps, 1).c_str());
}
