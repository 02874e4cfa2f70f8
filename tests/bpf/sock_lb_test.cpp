// Socket-level service translation for the node's own sockets, against the
// shipped object attached to a scratch cgroup: clients run in a child placed
// in that cgroup, backends listen on the node namespace's loopback. TCP and
// connected UDP are translated at connect(), unconnected UDP at sendmsg();
// recvmsg() and getpeername() show the frontend; another namespace's sockets
// and other destinations are left alone; a service without backends refuses.
// Each hook counts exactly the syscalls it translated, reversed or refused.
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

// The NP_STAT_SOCK_* counters, one per syscall: each test checks all five,
// so a hook counting under another's stat (or twice) fails too.
TEST_GROUP(SocketLbCounters) {
    SocketNode n;
    void setup() override { n.build(); }
    void teardown() override { n.tearDown(); }

    void checkCounters(std::uint64_t connect, std::uint64_t sendmsg, std::uint64_t rejected, std::uint64_t recvmsg,
                       std::uint64_t peername) {
        LONGS_EQUAL(connect, n.stat("sock_connect_translated"));
        LONGS_EQUAL(sendmsg, n.stat("sock_sendmsg_translated"));
        LONGS_EQUAL(rejected, n.stat("sock_rejected"));
        LONGS_EQUAL(recvmsg, n.stat("sock_recvmsg_reversed"));
        LONGS_EQUAL(peername, n.stat("sock_peername_reversed"));
    }
};

TEST(SocketLbCounters, EachTranslatedConnectIsCountedOnce) {
    auto podB = orFail([] { return tcpListener(kPodB, kBackendPort); });
    n.publishWeb({{7, backendAt(kPodB)}});
    checkCounters(0, 0, 0, 0, 0);

    constexpr int kConnects = 7;
    std::string result = runInCgroup(*n.cgroup, [] {
        for (int i = 0; i < kConnects; ++i) {
            std::string one = tcpClient(kVip, kVipPort);
            if (one != "peer 10.96.0.10:80") return one;
        }
        // Straight to the backend: no frontend, so nothing to count.
        std::string direct = tcpClient(kPodB, kBackendPort);
        return direct == "peer 10.200.1.11:8080" ? std::string("ok") : "direct: " + direct;
    });
    STRCMP_EQUAL("ok", result.c_str());
    LONGS_EQUAL(kConnects + 1, drainConnections(podB.get()));
    // tcpClient asks getpeername once per socket; TCP never runs the UDP
    // sendmsg4 / recvmsg4 hooks.
    checkCounters(kConnects, 0, 0, 0, kConnects);
}

TEST(SocketLbCounters, UnconnectedUdpCountsEveryDatagramBothWays) {
    auto backend = orFail([] { return udpSocket(kPodB, kDnsBackendPort); });
    n.publishDns();

    constexpr int kQueries = 3;
    ClientInCgroup client(*n.cgroup, [] {
        UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        const auto to = endpoint(kVip, kDnsPort);
        for (int i = 0; i < kQueries; ++i) {
            if (::sendto(sock.get(), "query", 5, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 5)
                return errnoText("sendto");
            sockaddr_in from{};
            if (receiveDatagram(sock.get(), from) != "answer") return "no answer to query " + std::to_string(i);
            if (addressText(from) != "10.96.0.10:53") return "answer from " + addressText(from);
        }
        return std::string("ok");
    });
    for (int i = 0; i < kQueries; ++i) {
        sockaddr_in from{};
        STRCMP_EQUAL("query", receiveDatagram(backend.get(), from).c_str());
        CHECK_TRUE(::sendto(backend.get(), "answer", 6, 0, reinterpret_cast<const sockaddr*>(&from), sizeof from) == 6);
    }
    STRCMP_EQUAL("ok", client.result().c_str());
    checkCounters(0, kQueries, 0, kQueries, 0);
}

TEST(SocketLbCounters, ConnectedUdpIsTranslatedAtConnectOnly) {
    auto backend = orFail([] { return udpSocket(kPodB, kDnsBackendPort); });
    n.publishDns();

    ClientInCgroup client(*n.cgroup, [] { return udpClient(kVip, kDnsPort, true); });
    sockaddr_in from{};
    STRCMP_EQUAL("query", receiveDatagram(backend.get(), from).c_str());
    CHECK_TRUE(::sendto(backend.get(), "answer", 6, 0, reinterpret_cast<const sockaddr*>(&from), sizeof from) == 6);
    STRCMP_EQUAL("answer 'answer' from 10.96.0.10:53, peer 10.96.0.10:53", client.result().c_str());
    // send() on a connected socket names no address: sendmsg4 does not run.
    checkCounters(1, 0, 0, 1, 1);
}

TEST(SocketLbCounters, RefusedSyscallsAreCountedAsRejectedNotTranslated) {
    FrontendFlags reject;
    reject.rejectWithoutBackend = true;
    n.publishWeb({}, reject);
    n.publish(frontendOf(kVip, kDnsPort, datapath::L4Protocol::Udp), datapath::FrontendValue{2, 2, reject, 0}, {});

    constexpr int kConnects = 4;
    std::string result = runInCgroup(*n.cgroup, [] {
        for (int i = 0; i < kConnects; ++i) {
            std::string one = tcpClient(kVip, kVipPort);
            if (one != "connect: Connection refused") return one;
        }
        std::string sent = udpClient(kVip, kDnsPort, false);
        return sent == "sendto: Connection refused" ? std::string("ok") : sent;
    });
    STRCMP_EQUAL("ok", result.c_str());
    checkCounters(0, 0, kConnects + 1, 0, 0);
}

TEST(SocketLbCounters, NothingIsCountedForSocketsLeftAlone) {
    n.publishWeb({{7, backendAt(kPodB)}});
    checkOk(n.dp().setNodeNetnsCookie(0));
    STRCMP_EQUAL("connect: Network is unreachable",
                 runInCgroup(*n.cgroup, [] { return tcpClient(kVip, kVipPort); }).c_str());
    checkCounters(0, 0, 0, 0, 0);
}
