// /metrics over a real loopback TCP socket, served from the sd-event loop.
#include <CppUTest/TestHarness.h>

#include "common/event.h"
#include "http_client.h"
#include "metrics/metrics_server.h"
#include "metrics/prometheus_text.h"

using namespace nodeplane;
using namespace nodeplane::metrics;
using nodeplane::health::test::exchange;
using nodeplane::health::test::simpleRequest;

TEST_GROUP(MetricsServer) {
    EventLoopPtr event;

    void setup() override {
        sd_event* e = nullptr;
        LONGS_EQUAL(0, sd_event_new(&e));
        event.reset(e);
    }
    void teardown() override { event.reset(); }
};

TEST(MetricsServer, ServesTheRenderedTextAtEveryScrape) {
    int scrapes = 0;
    auto server = startMetricsServer(event.get(), *IpAddress::parse("127.0.0.1"), 0, [&] {
        ++scrapes;
        PrometheusText text;
        text.counter("nodeplane_scrapes_total", "Scrapes.", {{{}, std::uint64_t(scrapes)}});
        return text.text();
    });
    CHECK_TEXT(server.ok(), server.ok() ? "" : server.error().message.c_str());
    const std::uint16_t port = (*server)->port();
    auto first = exchange(event.get(), "127.0.0.1", port, simpleRequest("GET", "/metrics"));
    LONGS_EQUAL(200, first.status);
    STRCMP_EQUAL("text/plain; version=0.0.4; charset=utf-8", first.headers["content-type"].c_str());
    STRCMP_EQUAL("# HELP nodeplane_scrapes_total Scrapes.\n# TYPE nodeplane_scrapes_total counter\n"
                 "nodeplane_scrapes_total 1\n",
                 first.body.c_str());
    auto second = exchange(event.get(), "127.0.0.1", port, simpleRequest("GET", "/metrics"));
    STRCMP_CONTAINS("nodeplane_scrapes_total 2\n", second.body.c_str());
}

TEST(MetricsServer, OtherPathsAndMethodsAreRefused) {
    auto server = startMetricsServer(event.get(), *IpAddress::parse("127.0.0.1"), 0, [] { return "x 1\n"; });
    CHECK(server.ok());
    const std::uint16_t port = (*server)->port();
    LONGS_EQUAL(404, exchange(event.get(), "127.0.0.1", port, simpleRequest("GET", "/")).status);
    auto post = exchange(event.get(), "127.0.0.1", port, simpleRequest("POST", "/metrics"));
    LONGS_EQUAL(405, post.status);
    STRCMP_EQUAL("GET, HEAD", post.headers["allow"].c_str());
}

TEST(MetricsServer, APortInUseIsAnErrorNamingTheAddress) {
    // A listener without SO_REUSEPORT holds the port: ours cannot share it.
    health::HttpListenerOptions exclusive;
    exclusive.reusePort = false;
    auto holder = health::HttpListener::start(event.get(), *IpAddress::parse("127.0.0.1"), 0,
                                              [](const health::HttpRequest&) { return health::HttpResponse{}; },
                                              exclusive);
    CHECK(holder.ok());
    const std::uint16_t port = (*holder)->port();
    auto server = startMetricsServer(event.get(), *IpAddress::parse("127.0.0.1"), port, [] { return ""; });
    CHECK_FALSE(server.ok());
    STRCMP_CONTAINS(("Failed to listen for HTTP on 127.0.0.1:" + std::to_string(port)).c_str(),
                    server.error().message.c_str());
}
