#include <CppUTest/TestHarness.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "common/c_handle.h"
#include "common/unique_fd.h"
#include "health/service_health_servers.h"
#include "http_client.h"

using nodeplane::CHandle;
using nodeplane::IpAddress;
using nodeplane::UniqueFd;
using nodeplane::health::ServiceHealthCheck;
using nodeplane::health::ServiceHealthServers;
using nodeplane::health::test::exchange;
using nodeplane::health::test::HttpReply;
using nodeplane::health::test::simpleRequest;

namespace {

// A TCP socket bound to 127.0.0.1:port (0: any free port), without
// SO_REUSEPORT; listening when asked, so that nobody else can bind the port.
// SO_REUSEADDR lets it past the TIME_WAIT our own exchanges leave, never
// past a listening socket.
UniqueFd boundSocket(std::uint16_t port, bool listening) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) return UniqueFd();
    if (listening && ::listen(fd.get(), 1) != 0) return UniqueFd();
    return fd;
}

std::uint16_t portOf(const UniqueFd& fd) {
    sockaddr_in sin{};
    socklen_t length = sizeof sin;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sin), &length);
    return ntohs(sin.sin_port);
}

// A port free right now: the kernel picks it, the socket is closed again.
std::uint16_t freePort() {
    UniqueFd fd = boundSocket(0, false);
    CHECK(fd.valid());
    return portOf(fd);
}

}  // namespace

TEST_GROUP(ServiceHealthServers) {
    CHandle<sd_event, sd_event_unref> event;
    bool proxyHealthy = true;
    std::unique_ptr<ServiceHealthServers> servers;
    std::uint16_t portA = 0, portB = 0;

    void setup() override {
        sd_event* e = nullptr;
        LONGS_EQUAL(0, sd_event_new(&e));
        event.reset(e);
        servers = std::make_unique<ServiceHealthServers>(event.get(), *IpAddress::parse("127.0.0.1"),
                                                         [this] { return proxyHealthy; });
        portA = freePort();
        do portB = freePort();
        while (portB == portA);
    }
    void teardown() override {
        servers.reset();
        event.reset();
    }

    HttpReply get(std::uint16_t port, const char* method = "GET", const char* path = "/") {
        return exchange(event.get(), "127.0.0.1", port, simpleRequest(method, path));
    }
};

TEST(ServiceHealthServers, OpensOneListenerPerPortAndAnswersForItsService) {
    auto failures = servers->reconcile({{"shop/web", portA, 2}, {"shop/api", portB, 0}});
    LONGS_EQUAL(0, failures.size());
    LONGS_EQUAL(2, servers->ports().size());

    auto web = get(portA);
    LONGS_EQUAL(200, web.status);
    STRCMP_EQUAL("application/json", web.headers["content-type"].c_str());
    STRCMP_EQUAL("nosniff", web.headers["x-content-type-options"].c_str());
    STRCMP_EQUAL("2", web.headers["x-load-balancing-endpoint-weight"].c_str());
    STRCMP_EQUAL("{\"service\":{\"namespace\":\"shop\",\"name\":\"web\"},\"localEndpoints\":2,"
                 "\"serviceProxyHealthy\":true}",
                 web.body.c_str());

    auto api = get(portB, "GET", "/healthz");
    LONGS_EQUAL(503, api.status);
    STRCMP_EQUAL("0", api.headers["x-load-balancing-endpoint-weight"].c_str());
    STRCMP_EQUAL("{\"service\":{\"namespace\":\"shop\",\"name\":\"api\"},\"localEndpoints\":0,"
                 "\"serviceProxyHealthy\":true}",
                 api.body.c_str());
}

TEST(ServiceHealthServers, CountChangesInPlaceWithoutANewListener) {
    servers->reconcile({{"shop/web", portA, 1}});
    const auto* before = servers->listener(portA);
    CHECK(before != nullptr);
    LONGS_EQUAL(200, get(portA).status);

    servers->reconcile({{"shop/web", portA, 0}});
    POINTERS_EQUAL(before, servers->listener(portA));
    auto none = get(portA);
    LONGS_EQUAL(503, none.status);
    STRCMP_EQUAL("0", none.headers["x-load-balancing-endpoint-weight"].c_str());

    servers->reconcile({{"shop/web", portA, 3}});
    POINTERS_EQUAL(before, servers->listener(portA));
    auto three = get(portA);
    LONGS_EQUAL(200, three.status);
    STRCMP_EQUAL("3", three.headers["x-load-balancing-endpoint-weight"].c_str());
}

TEST(ServiceHealthServers, PortsNoLongerWantedAreClosed) {
    servers->reconcile({{"shop/web", portA, 1}, {"shop/api", portB, 1}});
    servers->reconcile({{"shop/api", portB, 1}});
    LONGS_EQUAL(1, servers->ports().size());
    LONGS_EQUAL(portB, servers->ports().front());
    auto closed = get(portA);
    LONGS_EQUAL(0, closed.status);
    CHECK_TEXT(closed.error.find("refused") != std::string::npos, closed.error.c_str());
    LONGS_EQUAL(200, get(portB).status);

    servers->reconcile({});
    LONGS_EQUAL(0, servers->ports().size());
    LONGS_EQUAL(0, get(portB).status);
    // Closed means released: anyone may listen on the port again.
    CHECK(boundSocket(portB, true).valid());
}

TEST(ServiceHealthServers, AServiceMovingToAnotherPortMovesItsListener) {
    servers->reconcile({{"shop/web", portA, 1}});
    servers->reconcile({{"shop/web", portB, 1}});
    LONGS_EQUAL(0, get(portA).status);
    LONGS_EQUAL(200, get(portB).status);
}

TEST(ServiceHealthServers, ProxyHealthIsAskedOnEveryRequest) {
    servers->reconcile({{"shop/web", portA, 2}});
    LONGS_EQUAL(200, get(portA).status);
    proxyHealthy = false;  // draining, or a change is late
    auto r = get(portA);
    LONGS_EQUAL(503, r.status);
    STRCMP_EQUAL("2", r.headers["x-load-balancing-endpoint-weight"].c_str());
    STRCMP_EQUAL("{\"service\":{\"namespace\":\"shop\",\"name\":\"web\"},\"localEndpoints\":2,"
                 "\"serviceProxyHealthy\":false}",
                 r.body.c_str());
    proxyHealthy = true;
    LONGS_EQUAL(200, get(portA).status);
}

TEST(ServiceHealthServers, HeadAndOtherMethodsGetTheSameStatusAndHeaders) {
    servers->reconcile({{"shop/web", portA, 1}});
    auto head = get(portA, "HEAD", "/any/path");
    LONGS_EQUAL(200, head.status);
    STRCMP_EQUAL("1", head.headers["x-load-balancing-endpoint-weight"].c_str());
    STRCMP_EQUAL("", head.body.c_str());
    auto post = get(portA, "POST", "/");
    LONGS_EQUAL(200, post.status);
    STRCMP_EQUAL("1", post.headers["x-load-balancing-endpoint-weight"].c_str());
}

TEST(ServiceHealthServers, APortThatCannotBeBoundIsReportedAndRetriedOnTheNextReconcile) {
    UniqueFd squatter = boundSocket(portA, true);
    CHECK(squatter.valid());
    auto failures = servers->reconcile({{"shop/web", portA, 1}, {"shop/api", portB, 1}});
    LONGS_EQUAL(1, failures.size());
    CHECK_TEXT(failures[0].find("shop/web") != std::string::npos, failures[0].c_str());
    CHECK_TEXT(failures[0].find(std::to_string(portA)) != std::string::npos, failures[0].c_str());
    CHECK(servers->listener(portA) == nullptr);
    LONGS_EQUAL(200, get(portB).status);  // the others still serve

    squatter.reset();
    failures = servers->reconcile({{"shop/web", portA, 1}, {"shop/api", portB, 1}});
    LONGS_EQUAL(0, failures.size());
    LONGS_EQUAL(200, get(portA).status);
}

TEST(ServiceHealthServers, APortWantedTwiceGoesToTheFirstService) {
    auto failures = servers->reconcile({{"shop/api", portA, 0}, {"shop/web", portA, 1}});
    LONGS_EQUAL(1, failures.size());
    CHECK_TEXT(failures[0].find("shop/web") != std::string::npos, failures[0].c_str());
    auto served = servers->served(portA);
    CHECK(served.has_value());
    STRCMP_EQUAL("shop/api", served->service.c_str());
    LONGS_EQUAL(503, get(portA).status);
}

TEST(ServiceHealthServers, APortHandedToAnotherServiceAnswersForTheNewOne) {
    servers->reconcile({{"shop/old", portA, 1}});
    const auto* before = servers->listener(portA);
    servers->reconcile({{"shop/new", portA, 4}});
    POINTERS_EQUAL(before, servers->listener(portA));
    auto r = get(portA);
    STRCMP_EQUAL("{\"service\":{\"namespace\":\"shop\",\"name\":\"new\"},\"localEndpoints\":4,"
                 "\"serviceProxyHealthy\":true}",
                 r.body.c_str());
}
