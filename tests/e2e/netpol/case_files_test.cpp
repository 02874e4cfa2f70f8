#include <CppUTest/TestHarness.h>

#include <sstream>

#include "case_state.h"
#include "case_test_support.h"
#include "snapshot_render.h"

using namespace nodeplane;
using namespace nodeplane::netpol;
using namespace nodeplane::netpol::testing;
using nlohmann::json;

namespace {

std::string loadError(const std::vector<json>& docs) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < docs.size(); ++i) names.push_back("f" + std::to_string(i) + ".json");
    auto set = readCaseDocuments(docs, names);
    return set ? "no error" : set.error().message;
}

// Pods on two nodes, as the harness places them: IPs 10.244.<node>.<10+i>.
std::vector<PodPlacement> placementsFor(const Model& model) {
    std::ostringstream text;
    for (std::size_t i = 0; i < model.pods.size(); ++i) {
        int node = i < 4 ? 1 : 2;
        text << model.pods[i].id << " 10.244." << node << "." << 10 + i << " node-" << (node == 1 ? 'a' : 'b')
             << " 10.96.0." << 10 + i << " np-" << model.pods[i].namespace_ << model.pods[i].name << "\n";
    }
    std::istringstream in(text.str());
    return readPlacements(in, "placement").value();
}

}  // namespace

TEST_GROUP(CaseFiles){};

TEST(CaseFiles, AMissingMatrixCellIsNamed) {
    json doc = tinyDocument(json::array({tinyStep(1, json::array())}));
    doc["cases"][0]["steps"][0]["probes"][0]["matrix"]["y/a"].erase("x/a");
    STRCMP_EQUAL("f0.json: case t-1 step 1: probes[0]: matrix[y/a]: x/a: missing", loadError({doc}).c_str());
}

TEST(CaseFiles, AnUnknownMatrixPodIsNamed) {
    json doc = tinyDocument(json::array({tinyStep(1, json::array())}));
    doc["cases"][0]["steps"][0]["probes"][0]["matrix"]["x/a"]["q/q"] = true;
    STRCMP_EQUAL("f0.json: case t-1 step 1: probes[0]: matrix[x/a]: q/q: not a pod of the model", loadError({doc}).c_str());
}

TEST(CaseFiles, StepsAreNumberedInOrder) {
    json doc = tinyDocument(json::array({tinyStep(2, json::array())}));
    STRCMP_EQUAL("f0.json: case t-1 step 2: step: expected 1 (steps are numbered from 1, in order)", loadError({doc}).c_str());
}

TEST(CaseFiles, ProbeProtocolAndPortAreChecked) {
    json doc = tinyDocument(json::array({tinyStep(1, json::array())}));
    doc["cases"][0]["steps"][0]["probes"][0]["port"] = 0;
    STRCMP_EQUAL("f0.json: case t-1 step 1: probes[0]: port: 0 is out of range 1-65535", loadError({doc}).c_str());
    doc["cases"][0]["steps"][0]["probes"][0]["protocol"] = "ICMP";
    STRCMP_EQUAL("f0.json: case t-1 step 1: probes[0]: protocol: 'ICMP' is not TCP, UDP or SCTP", loadError({doc}).c_str());
}

TEST(CaseFiles, ALaterFileMayOmitTheModelButNotChangeItOrReuseAnId) {
    json first = tinyDocument(json::array({tinyStep(1, json::array())}));
    json second = first;
    second.erase("model");
    second["cases"][0]["id"] = "t-2";
    STRCMP_EQUAL("no error", loadError({first, second}).c_str());
    second["cases"][0]["id"] = "t-1";
    STRCMP_EQUAL("f1.json: cases: case id t-1 is used twice", loadError({first, second}).c_str());
    second["model"] = tinyModel();
    second["model"]["pods"][0]["labels"]["pod"] = "b";
    STRCMP_EQUAL("f1.json: model: differs from the model of f0.json", loadError({first, second}).c_str());
    first.erase("model");
    STRCMP_EQUAL("f0.json: model: missing", loadError({first}).c_str());
}

TEST(CaseFiles, ProbesKeepTheMatrixInPodOrder) {
    auto set = readCaseDocuments({tinyDocument(json::array({tinyStep(1, json::array(), "y/a->x/a")}))}, {"f"});
    CHECK_TRUE(set.ok());
    const Probe& p = set->cases[0].steps[0].probes[0];
    STRCMP_EQUAL("TCP", p.protocol.c_str());
    LONGS_EQUAL(80, p.port);
    CHECK_TRUE(p.expected[0][1]);
    CHECK_FALSE(p.expected[1][0]);  // from y/a to x/a
}

// The shared public cases and ours: all load, every step of every case
// renders for both nodes, and every probe's matrix is 9x9.
TEST(CaseFiles, EveryPublicAndOwnCaseRenders) {
    auto set = loadCaseFiles({NODEPLANE_SHARED_CASES "/netpol-public.json", NETPOL_OWN_CASES});
    if (!set) FAIL(set.error().message.c_str());
    LONGS_EQUAL(9, set->model.pods.size());
    CHECK_TRUE(set->cases.size() >= 17);
    CHECK_TRUE(set->find("np-001") != nullptr);
    auto placements = placementsFor(set->model);
    for (const auto& c : set->cases)
        for (const auto& step : c.steps) {
            auto state = stateAfterStep(set->model, c, step.number);
            if (!state) FAIL(state.error().message.c_str());
            for (const char* node : {"node-a", "node-b"}) {
                auto rendered = renderSnapshotObjects({c, step.number, *state, placements, node});
                if (!rendered) FAIL(rendered.error().message.c_str());
                CHECK(rendered->find("symbolic") == std::string::npos);
                CHECK(rendered->find("podIP(") == std::string::npos);
            }
            for (const auto& probe : step.probes) LONGS_EQUAL(9, probe.expected.size());
        }
}

TEST(CaseFiles, Np034EgressGoesToYbsRealIp) {
    auto set = loadCaseFiles({NODEPLANE_SHARED_CASES "/netpol-public.json"});
    if (!set) FAIL(set.error().message.c_str());
    const Case* c = set->find("np-034");
    CHECK_TRUE(c != nullptr);
    auto state = stateAfterStep(set->model, *c, 1);
    CHECK_TRUE(state.ok());
    auto rendered = renderSnapshotObjects({*c, 1, *state, placementsFor(set->model), "node-a"});
    CHECK_TRUE(rendered.ok());
    // y/b is the model's 5th pod: 10.244.2.14 in placementsFor.
    CHECK(rendered->find(R"(egress = [{ to = [{ ipBlock = { cidr = "10.244.2.14/32" } }] }])") != std::string::npos);
}
