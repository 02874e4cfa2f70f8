// A ClusterIP end to end: two pods in their own network namespaces behind
// attached host ends, a frontend whose one backend is pod B, and a real TCP
// connection from pod A to the frontend's address. Nothing in the node's
// namespace routes to the pods or knows the frontend: only from_pod's DNAT
// and reverse translation make the connection work.
#include <CppUTest/TestHarness.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "common/unique_fd.h"
#include "service_test_support.h"
#include "support/two_pods.h"

using namespace nodeplane;
using namespace nodeplane::test;

namespace {

sockaddr_in socketAddress(const char* ip, std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, ip, &addr.sin_addr);
    return addr;
}

bool waitFor(int fd, short events, int timeoutMs) {
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, timeoutMs) == 1 && (p.revents & events);
}

std::string receiveText(int fd, int timeoutMs) {
    if (!waitFor(fd, POLLIN, timeoutMs)) return "<nothing within " + std::to_string(timeoutMs) + " ms>";
    char data[256];
    auto n = ::recv(fd, data, sizeof data, 0);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : "<recv " + std::to_string(n) + ">";
}

}  // namespace

TEST_GROUP(ServiceTraffic) {
    std::unique_ptr<DatapathFixture> node;
    TwoPods pods;
    std::optional<ScopedNetns>& podA = pods.podA;
    std::optional<ScopedNetns>& podB = pods.podB;
    int& hostA = pods.hostA;
    int& hostB = pods.hostB;

    void setup() override {
        orFail([&] {
            node = std::make_unique<DatapathFixture>();
            pods = wireTwoPods(*node, kPodA, kPodB);
        });
        auto& dp = node->datapath();

        CHECK_TRUE(dp.backends().upsert(1, backendAt(kPodB)).ok());
        CHECK_TRUE(dp.revNat().upsert(1, {ipOf(kVip), kVipPort}).ok());
        CHECK_TRUE(dp.services().replaceBackendSet(1, {1}).ok());
        CHECK_TRUE(dp.services().upsert(frontendOf(kVip, kVipPort), {1, 1, {}, 0}).ok());
    }
    void teardown() override {
        pods.reset();
        node.reset();
    }

    UniqueFd tcpSocket(const ScopedNetns& ns) {
        EnterNetns inside(ns);
        return UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    }
};

TEST(ServiceTraffic, APodTalksTcpToAClusterIpBackedByAnotherPod) {
    auto server = tcpSocket(*podB);
    CHECK_TRUE(server.valid());
    int on = 1;
    ::setsockopt(server.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    auto listenAt = socketAddress(kPodB, kBackendPort);
    CHECK_EQUAL(0, ::bind(server.get(), reinterpret_cast<sockaddr*>(&listenAt), sizeof listenAt));
    CHECK_EQUAL(0, ::listen(server.get(), 4));

    auto client = tcpSocket(*podA);
    CHECK_TRUE(client.valid());
    auto vip = socketAddress(kVip, kVipPort);
    int rc = ::connect(client.get(), reinterpret_cast<sockaddr*>(&vip), sizeof vip);
    CHECK_TRUE(rc == 0 || errno == EINPROGRESS);

    CHECK_TEXT(waitFor(server.get(), POLLIN, 3000), "pod B saw no connection to the ClusterIP");
    sockaddr_in peer{};
    socklen_t peerLen = sizeof peer;
    UniqueFd accepted(::accept4(server.get(), reinterpret_cast<sockaddr*>(&peer), &peerLen, SOCK_CLOEXEC));
    CHECK_TRUE(accepted.valid());
    char peerText[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &peer.sin_addr, peerText, sizeof peerText);
    STRCMP_EQUAL(kPodA, peerText);  // no SNAT: the backend sees the client

    CHECK_TEXT(waitFor(client.get(), POLLOUT, 3000), "pod A's connection to the ClusterIP did not complete");
    int soError = -1;
    socklen_t len = sizeof soError;
    ::getsockopt(client.get(), SOL_SOCKET, SO_ERROR, &soError, &len);
    LONGS_EQUAL(0, soError);
    sockaddr_in connectedTo{};
    socklen_t connectedLen = sizeof connectedTo;
    ::getpeername(client.get(), reinterpret_cast<sockaddr*>(&connectedTo), &connectedLen);
    LONGS_EQUAL(kVipPort, ntohs(connectedTo.sin_port));  // the client only ever sees the frontend

    const std::string ping = "ping over the ClusterIP";
    LONGS_EQUAL(ping.size(), ::send(client.get(), ping.data(), ping.size(), 0));
    STRCMP_EQUAL(ping.c_str(), receiveText(accepted.get(), 3000).c_str());
    const std::string pong = "pong from pod B";
    LONGS_EQUAL(pong.size(), ::send(accepted.get(), pong.data(), pong.size(), 0));
    STRCMP_EQUAL(pong.c_str(), receiveText(client.get(), 3000).c_str());

    auto& stats = node->datapath().stats();
    CHECK(statCounter(stats, "service_translated").packets >= 3);
    CHECK(statCounter(stats, "reverse_translated").packets >= 2);
    LONGS_EQUAL(1, statCounter(stats, "ct_created").packets);
    auto ct = node->datapath().conntrack().list();
    CHECK_TRUE(ct.ok());
    LONGS_EQUAL(2, ct->size());
}

// A service without endpoints refuses, felt by a real client: its connect()
// fails at once with "connection refused" (the datapath's RST) instead of
// hanging until the SYN retries run out.
TEST(ServiceTraffic, AConnectionToAServiceWithoutEndpointsIsRefused) {
    datapath::FrontendFlags reject;
    reject.rejectWithoutBackend = true;
    auto& dp = node->datapath();
    CHECK_TRUE(dp.revNat().upsert(2, {ipOf("10.96.0.11"), kVipPort}).ok());
    CHECK_TRUE(dp.services().replaceBackendSet(2, {}).ok());
    CHECK_TRUE(dp.services().upsert(frontendOf("10.96.0.11", kVipPort), {2, 2, reject, 0}).ok());

    auto client = tcpSocket(*podA);
    CHECK_TRUE(client.valid());
    auto target = socketAddress("10.96.0.11", kVipPort);
    int rc = ::connect(client.get(), reinterpret_cast<sockaddr*>(&target), sizeof target);
    CHECK_TRUE(rc == 0 || errno == EINPROGRESS);
    pollfd p{client.get(), POLLOUT, 0};
    CHECK_TEXT(::poll(&p, 1, 3000) == 1, "connect() to the rejecting ClusterIP neither failed nor completed");
    CHECK_TEXT(p.revents & (POLLERR | POLLHUP), ("poll revents " + std::to_string(p.revents)).c_str());
    int soError = 0;
    socklen_t len = sizeof soError;
    ::getsockopt(client.get(), SOL_SOCKET, SO_ERROR, &soError, &len);
    STRCMP_EQUAL(std::strerror(ECONNREFUSED), std::strerror(soError));
    CHECK(statCounter(dp.stats(), "service_reset").packets >= 1);
}
