#include <CppUTest/TestHarness.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>

#include "common/c_handle.h"
#include "common/unique_fd.h"
#include "health/health_server.h"
#include "http_client.h"

using namespace std::chrono;
using nodeplane::CHandle;
using nodeplane::IpAddress;
using nodeplane::UniqueFd;
using nodeplane::health::HealthServerOptions;
using nodeplane::health::HealthView;
using nodeplane::health::HttpListener;
using nodeplane::health::startHealthServer;
using nodeplane::health::WallTime;
using nodeplane::health::test::exchange;
using nodeplane::health::test::simpleRequest;

namespace {

const IpAddress kLoopback = *IpAddress::parse("127.0.0.1");
const WallTime kNow{seconds{1714564800} + milliseconds{250}};      // 2024-05-01T12:00:00.250Z
const WallTime kApplied{seconds{1714564795} + milliseconds{125}};  // 2024-05-01T11:59:55.125Z

const char* kHealthyBody =
    "{\"lastUpdated\":\"2024-05-01T11:59:55.125Z\",\"currentTime\":\"2024-05-01T12:00:00.250Z\","
    "\"nodeEligible\":true,\"healthy\":true}";
const char* kDrainingBody =
    "{\"lastUpdated\":\"2024-05-01T11:59:55.125Z\",\"currentTime\":\"2024-05-01T12:00:00.250Z\","
    "\"nodeEligible\":true,\"healthy\":false}";

}  // namespace

TEST_GROUP(HealthServer) {
    CHandle<sd_event, sd_event_unref> event;
    HealthView view{true, true, true, true, kApplied};
    int provided = 0;

    void setup() override {
        sd_event* e = nullptr;
        LONGS_EQUAL(0, sd_event_new(&e));
        event.reset(e);
    }
    void teardown() override { event.reset(); }

    std::unique_ptr<HttpListener> start(const char* ip) {
        HealthServerOptions options;
        options.clock = [] { return kNow; };
        auto server = startHealthServer(
            event.get(), *IpAddress::parse(ip), 0,
            [this] {
                ++provided;
                return view;
            },
            options);
        CHECK_TEXT(server.ok(), server.ok() ? "" : server.error().message.c_str());
        return std::move(server).value();
    }

    nodeplane::health::test::HttpReply get(const HttpListener& server, const std::string& path,
                                           const std::string& method = "GET") {
        return exchange(event.get(), server.ip().toString(), server.port(), simpleRequest(method, path));
    }
};

TEST(HealthServer, AnswersHealthyWith200AndExactBody) {
    auto server = start("127.0.0.1");
    CHECK(server->port() != 0);
    auto r = get(*server, "/healthz");
    STRCMP_EQUAL("", r.error.c_str());
    LONGS_EQUAL(200, r.status);
    STRCMP_EQUAL("application/json", r.headers["content-type"].c_str());
    STRCMP_EQUAL("nosniff", r.headers["x-content-type-options"].c_str());
    STRCMP_EQUAL(kHealthyBody, r.body.c_str());
}

TEST(HealthServer, AsksTheProviderOnEveryRequest) {
    auto server = start("127.0.0.1");
    LONGS_EQUAL(200, get(*server, "/healthz").status);
    view.serving = false;  // draining
    auto draining = get(*server, "/healthz");
    LONGS_EQUAL(503, draining.status);
    STRCMP_EQUAL(kDrainingBody, draining.body.c_str());
    // /livez stays up while draining.
    auto live = get(*server, "/livez");
    LONGS_EQUAL(200, live.status);
    STRCMP_EQUAL(kHealthyBody, live.body.c_str());
    LONGS_EQUAL(3, provided);
}

TEST(HealthServer, UnknownPathIs404AndOtherMethodIs405) {
    auto server = start("127.0.0.1");
    auto missing = get(*server, "/metrics");
    LONGS_EQUAL(404, missing.status);
    STRCMP_EQUAL("404 page not found\n", missing.body.c_str());

    // A body the server never reads must not keep the answer back.
    auto posted = exchange(event.get(), "127.0.0.1", server->port(),
                           "POST /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
                           "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
    LONGS_EQUAL(405, posted.status);
    STRCMP_EQUAL("GET, HEAD", posted.headers["allow"].c_str());
}

TEST(HealthServer, HeadAnswersHeadersWithoutBody) {
    auto server = start("127.0.0.1");
    auto r = get(*server, "/healthz", "HEAD");
    LONGS_EQUAL(200, r.status);
    STRCMP_EQUAL("application/json", r.headers["content-type"].c_str());
    STRCMP_EQUAL("", r.body.c_str());
}

TEST(HealthServer, ServesOnIpv6Loopback) {
    auto server = start("::1");
    STRCMP_EQUAL(("[::1]:" + std::to_string(server->port())).c_str(), server->describe().c_str());
    auto r = get(*server, "/livez");
    STRCMP_EQUAL("", r.error.c_str());
    LONGS_EQUAL(200, r.status);
}

TEST(HealthServer, DropsASilentClientAfterTheIdleTimeout) {
    HealthServerOptions options;
    options.listener.idleTimeoutSeconds = 1;
    auto server = startHealthServer(event.get(), kLoopback, 0, [this] { return view; }, options);
    CHECK(server.ok());
    // Nothing is sent: only libmicrohttpd's timeout, armed as an sd-event
    // timer, can end this exchange before the client gives up (5 s).
    auto begin = steady_clock::now();
    auto r = exchange(event.get(), "127.0.0.1", (*server)->port(), "");
    auto took = steady_clock::now() - begin;
    STRCMP_EQUAL("", r.raw.c_str());
    CHECK_TEXT(took >= milliseconds(900), "closed before the idle timeout");
    CHECK_TEXT(took < milliseconds(3000), "the idle timeout did not fire");
}

TEST(HealthServer, BindFailureNamesTheAddressAndTheReason) {
    UniqueFd holder(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    LONGS_EQUAL(0, ::bind(holder.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin));
    LONGS_EQUAL(0, ::listen(holder.get(), 1));
    socklen_t length = sizeof sin;
    ::getsockname(holder.get(), reinterpret_cast<sockaddr*>(&sin), &length);
    std::uint16_t port = ntohs(sin.sin_port);
    std::string listen = "127.0.0.1:" + std::to_string(port);

    auto server = startHealthServer(event.get(), kLoopback, port, [this] { return view; });
    CHECK_FALSE(server.ok());
    const std::string& message = server.error().message;
    CHECK_TEXT(message.find("Failed to listen for HTTP on " + listen) == 0, message.c_str());
    CHECK_TEXT(message.find("Address already in use") != std::string::npos, message.c_str());
}
