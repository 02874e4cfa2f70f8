// Socket-level service translation for the node's own sockets, against the
// shipped object attached to a scratch cgroup: clients run in a child placed
// in that cgroup, backends listen on the node namespace's loopback. TCP and
// connected UDP are translated at connect(), unconnected UDP at sendmsg();
// recvmsg() and getpeername() show the frontend; another namespace's sockets
// and other destinations are left alone; a service without backends refuses.
#include <CppUTest/TestHarness.h>

#include <map>

#include "sock_lb_node.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::FrontendFlags;

TEST_GROUP(SocketLb) {
    SocketNode n;
    void setup() override { n.build(); }
    void teardown() override { n.tearDown(); }
};

TEST(SocketLb, ConnectGoesToTheBackendAndGetpeernameShowsTheFrontend) {
    auto podB = orFail([] { return tcpListener(kPodB, kBackendPort); });
    n.publishWeb({{7, backendAt(kPodB)}});

    STRCMP_EQUAL("peer 10.96.0.10:80", runInCgroup(*n.cgroup, [] { return tcpClient(kVip, kVipPort); }).c_str());
    STRCMP_EQUAL("hello", acceptAndRead(podB.get()).c_str());
    LONGS_EQUAL(1, n.mapEntries(NP_MAP_SOCK_REV));  // (socket, 10.200.1.11:8080) -> 10.96.0.10:80
}

TEST(SocketLb, UnconnectedUdpAnswersComeFromTheFrontend) {
    auto backend = orFail([] { return udpSocket(kPodB, kDnsBackendPort); });
    n.publishDns();

    ClientInCgroup client(*n.cgroup, [] { return udpClient(kVip, kDnsPort, false); });
    sockaddr_in from{};
    STRCMP_EQUAL("query", receiveDatagram(backend.get(), from).c_str());  // sendmsg went to the backend
    CHECK_TRUE(::sendto(backend.get(), "answer", 6, 0, reinterpret_cast<const sockaddr*>(&from), sizeof from) == 6);
    STRCMP_EQUAL("answer 'answer' from 10.96.0.10:53", client.result().c_str());
}

TEST(SocketLb, ConnectedUdpAnswersComeFromTheFrontend) {
    auto backend = orFail([] { return udpSocket(kPodB, kDnsBackendPort); });
    n.publishDns();

    ClientInCgroup client(*n.cgroup, [] { return udpClient(kVip, kDnsPort, true); });
    sockaddr_in from{};
    STRCMP_EQUAL("query", receiveDatagram(backend.get(), from).c_str());
    CHECK_TRUE(::sendto(backend.get(), "answer", 6, 0, reinterpret_cast<const sockaddr*>(&from), sizeof from) == 6);
    STRCMP_EQUAL("answer 'answer' from 10.96.0.10:53, peer 10.96.0.10:53", client.result().c_str());
}

TEST(SocketLb, ABackendReachedDirectlyKeepsItsOwnAddress) {
    auto podB = orFail([] { return tcpListener(kPodB, kBackendPort); });
    n.publishWeb({{7, backendAt(kPodB)}});

    // Not a frontend: no reverse entry, so getpeername tells the truth.
    STRCMP_EQUAL("peer 10.200.1.11:8080",
                 runInCgroup(*n.cgroup, [] { return tcpClient(kPodB, kBackendPort); }).c_str());
    STRCMP_EQUAL("hello", acceptAndRead(podB.get()).c_str());
    LONGS_EQUAL(0, n.mapEntries(NP_MAP_SOCK_REV));
}

TEST(SocketLb, SocketsOfAnotherNamespaceAreLeftAlone) {
    // Another namespace (a pod's) holds both the frontend's address and the
    // backend's, so the connection shows which one it was sent to.
    auto elsewhere = orFail([] { return ScopedNetns::create(); });
    orFail([&] {
        for (const char* ip : {kVip, kPodB})
            runOrThrow({"ip", "addr", "add", std::string(ip) + "/32", "dev", "lo"}, elsewhere.fd());
    });
    auto [vipThere, backendThere] = orFail([&] {
        EnterNetns inside(elsewhere);
        return std::make_pair(tcpListener(kVip, kVipPort), tcpListener(kPodB, kBackendPort));
    });
    n.publishWeb({{7, backendAt(kPodB)}});

    STRCMP_EQUAL("peer 10.96.0.10:80",
                 runInCgroup(*n.cgroup, [] { return tcpClient(kVip, kVipPort); }, elsewhere.fd()).c_str());
    STRCMP_EQUAL("hello", acceptAndRead(vipThere.get()).c_str());
    LONGS_EQUAL(0, drainConnections(backendThere.get()));
}

TEST(SocketLb, NothingIsTranslatedUntilTheNodeNamespaceIsNamed) {
    n.publishWeb({{7, backendAt(kPodB)}});
    checkOk(n.dp().setNodeNetnsCookie(0));
    // The node's namespace has no route to the ClusterIP: untranslated, the
    // connect fails at once.
    STRCMP_EQUAL("connect: Network is unreachable",
                 runInCgroup(*n.cgroup, [] { return tcpClient(kVip, kVipPort); }).c_str());
}

TEST(SocketLb, AServiceWithoutBackendsRefusesConnections) {
    FrontendFlags reject;
    reject.rejectWithoutBackend = true;
    n.publishWeb({}, reject);
    n.publish(frontendOf(kVip, kDnsPort, datapath::L4Protocol::Udp), datapath::FrontendValue{2, 2, reject, 0}, {});

    STRCMP_EQUAL("connect: Connection refused",
                 runInCgroup(*n.cgroup, [] { return tcpClient(kVip, kVipPort); }).c_str());
    STRCMP_EQUAL("sendto: Connection refused",
                 runInCgroup(*n.cgroup, [] { return udpClient(kVip, kDnsPort, false); }).c_str());
    STRCMP_EQUAL("connect: Connection refused",
                 runInCgroup(*n.cgroup, [] { return udpClient(kVip, kDnsPort, true); }).c_str());
}

TEST(SocketLb, AServiceThatDropsWithoutBackendsFailsWithEperm) {
    n.publishWeb({});  // no REJECT flag: kube-proxy would drop
    STRCMP_EQUAL("connect: Operation not permitted",
                 runInCgroup(*n.cgroup, [] { return tcpClient(kVip, kVipPort); }).c_str());
}

TEST(SocketLb, NewSocketsSpreadOverTheBackends) {
    auto podB = orFail([] { return tcpListener(kPodB, kBackendPort); });
    auto podC = orFail([] { return tcpListener(kPodC, kBackendPort); });
    n.publishWeb({{1, backendAt(kPodB)}, {2, backendAt(kPodC)}});

    constexpr int kSockets = 40;
    std::string result = runInCgroup(*n.cgroup, [] {
        for (int i = 0; i < kSockets; ++i) {
            std::string one = tcpClient(kVip, kVipPort);
            if (one != "peer 10.96.0.10:80") return one;
        }
        return std::string("ok");
    });
    STRCMP_EQUAL("ok", result.c_str());
    const int toB = drainConnections(podB.get());
    const int toC = drainConnections(podC.get());
    LONGS_EQUAL(kSockets, toB + toC);
    // Fair halves would be 20 each; fewer than 8 on one side is a broken hash
    // (by chance: binomial odds of about 1 in 24,000).
    CHECK_TEXT(toB >= 8 && toC >= 8, ("B got " + std::to_string(toB) + ", C got " + std::to_string(toC)).c_str());
}

TEST(SocketLb, ClientIpAffinityKeepsTheNodeOnOneBackend) {
    auto podB = orFail([] { return tcpListener(kPodB, kBackendPort); });
    auto podC = orFail([] { return tcpListener(kPodC, kBackendPort); });
    FrontendFlags affinity;
    affinity.affinity = true;
    n.publishWeb({{1, backendAt(kPodB)}, {2, backendAt(kPodC)}}, affinity, 300);

    std::string result = runInCgroup(*n.cgroup, [] {
        for (int i = 0; i < 20; ++i) {
            std::string one = tcpClient(kVip, kVipPort);
            if (one != "peer 10.96.0.10:80") return one;
        }
        return std::string("ok");
    });
    STRCMP_EQUAL("ok", result.c_str());
    const int toB = drainConnections(podB.get());
    const int toC = drainConnections(podC.get());
    CHECK_TEXT((toB == 20 && toC == 0) || (toB == 0 && toC == 20),
               ("B got " + std::to_string(toB) + ", C got " + std::to_string(toC)).c_str());
    LONGS_EQUAL(1, n.mapEntries(NP_MAP_AFFINITY));  // one client: the node (address 0)
}
