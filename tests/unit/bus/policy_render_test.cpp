// `nodeplanectl identities` and `nodeplanectl policy POD` output: the JSON
// contract scripts rely on, and the text tables.
#include <CppUTest/TestHarness.h>

#include "fake_handler.h"
#include "nodeplanectl/policy_render.h"

using nodeplane::bus::test::sampleIdentities;
using nodeplane::bus::test::samplePolicy;
using namespace nodeplane::ctl;

TEST_GROUP(PolicyRender){};

TEST(PolicyRender, IdentitiesAsATable) {
    const char* expected =
        "        ID  KIND      NAME        LABELS              ADDRESSES\n"
        "         1  reserved  host        -                           2\n"
        "       256  pod       shop        app=web,tier=front          3\n"
        "  16777216  cidr      10.0.0.0/8  -                           1\n";
    STRCMP_EQUAL(expected, identitiesToText(sampleIdentities()).c_str());
    STRCMP_EQUAL("No identities\n", identitiesToText({}).c_str());
}

TEST(PolicyRender, IdentitiesJson) {
    auto json = identitiesToJson(sampleIdentities());
    STRCMP_EQUAL(R"({"identities":[{"id":1,"kind":"reserved","name":"host","labels":[],"addresses":2},)"
                 R"({"id":256,"kind":"pod","name":"shop","labels":["app=web","tier=front"],"addresses":3},)"
                 R"({"id":16777216,"kind":"cidr","name":"10.0.0.0/8","labels":[],"addresses":1}]})",
                 json.dump().c_str());
}

TEST(PolicyRender, PolicyNamesIsolationAndEveryAllow) {
    const char* expected =
        "shop/web-1 (endpoint 4, identity 256)\n"
        "  ingress: isolated by shop/allow-front,shop/deny-all\n"
        "  egress:  not isolated: every connection allowed\n"
        "\n"
        "  DIRECTION  REMOTE                 PORTS          POLICY\n"
        "  ingress    host (1)               any            allow-from-host\n"
        "  ingress    shop: app=front (257)  8080-8087/tcp  shop/allow-front\n"
        "  egress     any (0)                53/udp         #18\n";
    STRCMP_EQUAL(expected, policyToText(samplePolicy()).c_str());
}

TEST(PolicyRender, AnIsolatedPodWithNothingAllowedSaysSo) {
    auto p = samplePolicy();
    p.allows.clear();
    std::string text = policyToText(p);
    CHECK_TEXT(text.find("  nothing allowed\n") != std::string::npos, text.c_str());
    p.ingressIsolated = false;
    text = policyToText(p);
    CHECK_TEXT(text.find("nothing allowed") == std::string::npos, text.c_str());
}

TEST(PolicyRender, PolicyJson) {
    auto json = policyToJson(samplePolicy());
    STRCMP_EQUAL("shop/web-1", json["pod"].get<std::string>().c_str());
    CHECK(json["ingressIsolated"].get<bool>());
    CHECK_FALSE(json["egressIsolated"].get<bool>());
    LONGS_EQUAL(3, json["allows"].size());
    STRCMP_EQUAL(R"({"direction":"ingress","remoteIdentity":257,"remote":"shop: app=front","protocol":"tcp",)"
                 R"("portFirst":8080,"portLast":8087,"policyId":17,"policy":"shop/allow-front"})",
                 json["allows"][1].dump().c_str());
}
