#include <CppUTest/TestHarness.h>

#include <stdexcept>

#include "common/c_handle.h"
#include "health/http_listener.h"
#include "http_client.h"

using nodeplane::CHandle;
using nodeplane::IpAddress;
using nodeplane::health::HttpListener;
using nodeplane::health::HttpRequest;
using nodeplane::health::HttpResponse;
using nodeplane::health::test::exchange;
using nodeplane::health::test::simpleRequest;

// The listener on its own, with handlers such as a Service's
// healthCheckNodePort server will bring.
TEST_GROUP(HttpListener) {
    CHandle<sd_event, sd_event_unref> event;

    void setup() override {
        sd_event* e = nullptr;
        LONGS_EQUAL(0, sd_event_new(&e));
        event.reset(e);
    }
    void teardown() override { event.reset(); }
};

TEST(HttpListener, PassesMethodAndPathAndSendsTheHandlersAnswer) {
    std::string seenMethod, seenPath;
    auto listener = HttpListener::start(event.get(), *IpAddress::parse("127.0.0.1"), 0, [&](const HttpRequest& r) {
        seenMethod = r.method;
        seenPath = r.path;
        return HttpResponse{200, "application/json", "{\"localEndpoints\":2}",
                            {{"X-Load-Balancing-Endpoint-Weight", "2"}}};
    });
    CHECK(listener.ok());
    auto r = exchange(event.get(), "127.0.0.1", (*listener)->port(), simpleRequest("GET", "/some/path?x=1"));
    LONGS_EQUAL(200, r.status);
    STRCMP_EQUAL("GET", seenMethod.c_str());
    STRCMP_EQUAL("/some/path", seenPath.c_str());  // the query string is not part of the path
    STRCMP_EQUAL("application/json", r.headers["content-type"].c_str());
    STRCMP_EQUAL("2", r.headers["x-load-balancing-endpoint-weight"].c_str());
    STRCMP_EQUAL("{\"localEndpoints\":2}", r.body.c_str());
}

TEST(HttpListener, AThrowingHandlerGives500AndTheListenerStaysUp) {
    int calls = 0;
    auto listener = HttpListener::start(event.get(), *IpAddress::parse("127.0.0.1"), 0, [&](const HttpRequest&) {
        if (++calls == 1) throw std::runtime_error("boom");
        return HttpResponse{204, "text/plain", "", {}};
    });
    CHECK(listener.ok());
    LONGS_EQUAL(500, exchange(event.get(), "127.0.0.1", (*listener)->port(), simpleRequest("GET", "/")).status);
    LONGS_EQUAL(204, exchange(event.get(), "127.0.0.1", (*listener)->port(), simpleRequest("GET", "/")).status);
}

TEST(HttpListener, TwoListenersShareOneLoop) {
    auto handler = [](const char* name) {
        return [name](const HttpRequest&) { return HttpResponse{200, "text/plain", name, {}}; };
    };
    auto a = HttpListener::start(event.get(), *IpAddress::parse("127.0.0.1"), 0, handler("a"));
    auto b = HttpListener::start(event.get(), *IpAddress::parse("127.0.0.1"), 0, handler("b"));
    CHECK(a.ok() && b.ok());
    CHECK((*a)->port() != (*b)->port());
    STRCMP_EQUAL("b", exchange(event.get(), "127.0.0.1", (*b)->port(), simpleRequest("GET", "/")).body.c_str());
    STRCMP_EQUAL("a", exchange(event.get(), "127.0.0.1", (*a)->port(), simpleRequest("GET", "/")).body.c_str());
}

TEST(HttpListener, StoppedListenerReleasesThePort) {
    auto first = HttpListener::start(event.get(), *IpAddress::parse("127.0.0.1"), 0,
                                     [](const HttpRequest&) { return HttpResponse{}; });
    CHECK(first.ok());
    std::uint16_t port = (*first)->port();
    first = nodeplane::Error::logical("stopped");  // destroys the listener
    auto again = HttpListener::start(event.get(), *IpAddress::parse("127.0.0.1"), port,
                                     [](const HttpRequest&) { return HttpResponse{}; });
    CHECK_TEXT(again.ok(), again.ok() ? "" : again.error().message.c_str());
    LONGS_EQUAL(port, (*again)->port());
}
