#include <CppUTest/TestHarness.h>

#include <string>

#include "health/service_health_answer.h"

using nodeplane::health::answerServiceHealthRequest;
using nodeplane::health::HttpRequest;
using nodeplane::health::HttpResponse;
using nodeplane::health::serviceHealthBody;

namespace {

std::string header(const HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return "<absent>";
}

const HttpRequest kGet{"GET", "/"};

}  // namespace

TEST_GROUP(ServiceHealthAnswer){};

TEST(ServiceHealthAnswer, LocalEndpointsGive200WithCountAndWeight) {
    auto r = answerServiceHealthRequest(kGet, "shop/web", 2, true);
    LONGS_EQUAL(200, r.status);
    STRCMP_EQUAL("application/json", r.contentType.c_str());
    STRCMP_EQUAL("nosniff", header(r, "X-Content-Type-Options").c_str());
    STRCMP_EQUAL("2", header(r, "X-Load-Balancing-Endpoint-Weight").c_str());
    STRCMP_EQUAL("{\"service\":{\"namespace\":\"shop\",\"name\":\"web\"},\"localEndpoints\":2,"
                 "\"serviceProxyHealthy\":true}",
                 r.body.c_str());
}

TEST(ServiceHealthAnswer, NoLocalEndpointIs503AndStillSendsWeightZero) {
    auto r = answerServiceHealthRequest(kGet, "shop/web", 0, true);
    LONGS_EQUAL(503, r.status);
    STRCMP_EQUAL("0", header(r, "X-Load-Balancing-Endpoint-Weight").c_str());
    STRCMP_EQUAL("{\"service\":{\"namespace\":\"shop\",\"name\":\"web\"},\"localEndpoints\":0,"
                 "\"serviceProxyHealthy\":true}",
                 r.body.c_str());
}

TEST(ServiceHealthAnswer, UnhealthyProxyIs503EvenWithEndpoints) {
    auto r = answerServiceHealthRequest(kGet, "shop/web", 3, false);
    LONGS_EQUAL(503, r.status);
    STRCMP_EQUAL("3", header(r, "X-Load-Balancing-Endpoint-Weight").c_str());
    STRCMP_EQUAL("{\"service\":{\"namespace\":\"shop\",\"name\":\"web\"},\"localEndpoints\":3,"
                 "\"serviceProxyHealthy\":false}",
                 r.body.c_str());
}

TEST(ServiceHealthAnswer, EveryMethodAndPathGetsTheSameAnswer) {
    const auto reference = answerServiceHealthRequest(kGet, "shop/web", 1, true);
    for (const char* method : {"GET", "HEAD", "POST", "OPTIONS"}) {
        for (const char* path : {"/", "/healthz", "/anything/else"}) {
            auto r = answerServiceHealthRequest(HttpRequest{method, path}, "shop/web", 1, true);
            std::string what = std::string(method) + " " + path;
            LONGS_EQUAL_TEXT(reference.status, r.status, what.c_str());
            STRCMP_EQUAL_TEXT(reference.body.c_str(), r.body.c_str(), what.c_str());
            CHECK_TEXT(reference.headers == r.headers, what.c_str());
        }
    }
}

TEST(ServiceHealthAnswer, BodyQuotesNamesAsJsonStrings) {
    STRCMP_EQUAL("{\"service\":{\"namespace\":\"a\\\"b\",\"name\":\"c\\\\d\\u000a\"},\"localEndpoints\":1,"
                 "\"serviceProxyHealthy\":true}",
                 serviceHealthBody("a\"b/c\\d\n", 1, true).c_str());
    STRCMP_EQUAL("{\"service\":{\"namespace\":\"\",\"name\":\"bare\"},\"localEndpoints\":4294967295,"
                 "\"serviceProxyHealthy\":false}",
                 serviceHealthBody("bare", 4294967295u, false).c_str());
}
