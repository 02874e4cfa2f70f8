#include <CppUTest/TestHarness.h>

#include <string>

#include "health/health_answer.h"

using namespace std::chrono;
using nodeplane::health::answerHealthRequest;
using nodeplane::health::healthBody;
using nodeplane::health::HealthView;
using nodeplane::health::HttpRequest;
using nodeplane::health::HttpResponse;
using nodeplane::health::WallTime;

namespace {

const WallTime kNow{seconds{1714564800} + milliseconds{250}};      // 2024-05-01T12:00:00.250Z
const WallTime kApplied{seconds{1714564795} + milliseconds{125}};  // 2024-05-01T11:59:55.125Z

std::string header(const HttpResponse& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
        if (n == name) return v;
    return "<absent>";
}

}  // namespace

TEST_GROUP(HealthAnswer){};

TEST(HealthAnswer, HealthzIsOkOnlyWhenServingFreshAndEligible) {
    struct Row {
        bool serving, fresh, eligible;
        unsigned status;
    };
    const Row rows[] = {
        {true, true, true, 200},    {true, true, false, 503},  {true, false, true, 503},  {true, false, false, 503},
        {false, true, true, 503},   {false, true, false, 503}, {false, false, true, 503}, {false, false, false, 503},
    };
    for (const Row& row : rows) {
        for (bool loopAlive : {true, false}) {
            HealthView view{row.serving, row.fresh, row.eligible, loopAlive, kApplied};
            auto r = answerHealthRequest(HttpRequest{"GET", "/healthz"}, view, kNow);
            std::string what = "serving=" + std::to_string(row.serving) + " fresh=" + std::to_string(row.fresh) +
                               " eligible=" + std::to_string(row.eligible) + " loop=" + std::to_string(loopAlive);
            LONGS_EQUAL_TEXT(row.status, r.status, what.c_str());
            std::string expected = healthBody(kApplied, kNow, row.eligible, row.status == 200);
            STRCMP_EQUAL_TEXT(expected.c_str(), r.body.c_str(), what.c_str());
        }
    }
}

TEST(HealthAnswer, LivezFollowsTheLoopAndLateChangesOnly) {
    for (int bits = 0; bits < 8; ++bits) {
        HealthView view{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, true, std::nullopt};
        LONGS_EQUAL(200, answerHealthRequest(HttpRequest{"GET", "/livez"}, view, kNow).status);
        view.changeLate = true;
        LONGS_EQUAL(503, answerHealthRequest(HttpRequest{"GET", "/livez"}, view, kNow).status);
        view.changeLate = false;
        view.loopAlive = false;
        LONGS_EQUAL(503, answerHealthRequest(HttpRequest{"GET", "/livez"}, view, kNow).status);
    }
}

TEST(HealthAnswer, ServiceProxyHealthIgnoresNodeEligibilityButNotDrainOrStaleness) {
    using nodeplane::health::serviceProxyHealthy;
    struct Row {
        bool serving, fresh, eligible, healthy;
    };
    const Row rows[] = {
        {true, true, true, true},    {true, true, false, true},   {true, false, true, false},
        {false, true, true, false},  {false, true, false, false}, {false, false, false, false},
    };
    for (const Row& row : rows) {
        HealthView view{row.serving, row.fresh, row.eligible, true, kApplied};
        std::string what = "serving=" + std::to_string(row.serving) + " fresh=" + std::to_string(row.fresh) +
                           " eligible=" + std::to_string(row.eligible);
        CHECK_EQUAL_TEXT(row.healthy, serviceProxyHealthy(view), what.c_str());
    }
}

TEST(HealthAnswer, BodyCarriesTheRealApplyTimeEvenWhenHealthy) {
    STRCMP_EQUAL("{\"lastUpdated\":\"2024-05-01T11:59:55.125Z\",\"currentTime\":\"2024-05-01T12:00:00.250Z\","
                 "\"nodeEligible\":true,\"healthy\":true}",
                 healthBody(kApplied, kNow, true, true).c_str());
}

TEST(HealthAnswer, NeverAppliedIsGoZeroTime) {
    HealthView starting{false, false, true, true, std::nullopt};
    auto r = answerHealthRequest(HttpRequest{"GET", "/healthz"}, starting, kNow);
    LONGS_EQUAL(503, r.status);
    STRCMP_EQUAL("{\"lastUpdated\":\"0001-01-01T00:00:00Z\",\"currentTime\":\"2024-05-01T12:00:00.250Z\","
                 "\"nodeEligible\":true,\"healthy\":false}",
                 r.body.c_str());
    auto live = answerHealthRequest(HttpRequest{"GET", "/livez"}, starting, kNow);
    LONGS_EQUAL(200, live.status);
    STRCMP_EQUAL("{\"lastUpdated\":\"0001-01-01T00:00:00Z\",\"currentTime\":\"2024-05-01T12:00:00.250Z\","
                 "\"nodeEligible\":true,\"healthy\":true}",
                 live.body.c_str());
}

TEST(HealthAnswer, JsonAnswersCarryKubeProxyHeaders) {
    HealthView view{true, true, true, true, kApplied};
    for (const char* method : {"GET", "HEAD"}) {
        auto r = answerHealthRequest(HttpRequest{method, "/healthz"}, view, kNow);
        LONGS_EQUAL(200, r.status);
        STRCMP_EQUAL("application/json", r.contentType.c_str());
        STRCMP_EQUAL("nosniff", header(r, "X-Content-Type-Options").c_str());
    }
}

TEST(HealthAnswer, UnknownPathsAre404) {
    HealthView view{true, true, true, true, kApplied};
    for (const char* path : {"/", "/healthz/", "/metrics", "/livezz", "/HEALTHZ"}) {
        auto r = answerHealthRequest(HttpRequest{"GET", path}, view, kNow);
        LONGS_EQUAL_TEXT(404, r.status, path);
        STRCMP_EQUAL("404 page not found\n", r.body.c_str());
    }
}

TEST(HealthAnswer, OtherMethodsAre405WithAllow) {
    HealthView view{true, true, true, true, kApplied};
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get"}) {
        for (const char* path : {"/healthz", "/livez"}) {
            auto r = answerHealthRequest(HttpRequest{method, path}, view, kNow);
            LONGS_EQUAL_TEXT(405, r.status, method);
            STRCMP_EQUAL("GET, HEAD", header(r, "Allow").c_str());
        }
    }
}
