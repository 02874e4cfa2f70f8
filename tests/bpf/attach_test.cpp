// Attaching to real interfaces in a scratch network namespace: pod and
// external attachment, query, in-place replacement by a restarted daemon,
// detach, and real traffic between two pods delivered by from_pod alone.
#include <CppUTest/TestHarness.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <optional>

#include "common/unique_fd.h"
#include "datapath/tc.h"
#include "packet_test_support.h"
#include "support/command.h"
#include "support/counters.h"
#include "support/two_pods.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Datapath;
using datapath::Program;

namespace {

datapath::AttachInfo queryOrFail(const Datapath& dp, int ifindex) {
    auto info = dp.queryAttachment(ifindex);
    if (!info) FAIL(info.error().message.c_str());
    return *info;
}

// What iproute2's tc sees: an independent check of our filters, one line per
// filter at `direction` ("ingress" / "egress").
std::string tcFilters(const DatapathFixture& node, const std::string& dev, const char* direction) {
    return runOrThrow({"tc", "filter", "show", "dev", dev, direction}, node.netns().fd());
}

// Our filters in `tc filter show` output: one line each names our handle.
int ourFilters(const std::string& tcOutput) {
    const std::string needle = "handle 0x4e50 ";
    int n = 0;
    for (auto at = tcOutput.find(needle); at != std::string::npos; at = tcOutput.find(needle, at + 1)) ++n;
    return n;
}


}  // namespace

TEST_GROUP(Attach) {
    std::unique_ptr<DatapathFixture> node;
    int pod = 0;
    int external = 0;

    void setup() override {
        orFail([&] {
            node = std::make_unique<DatapathFixture>();
            pod = node->addInterface("np-pod-a");
            external = node->addInterface("np-ext");
        });
    }
    void teardown() override { node.reset(); }
};

TEST(Attach, PodAndExternalGetTheirPrograms) {
    CHECK_TRUE(node->datapath().attachPod(pod).ok());
    CHECK_TRUE(node->datapath().attachExternal(external).ok());

    auto podInfo = queryOrFail(node->datapath(), pod);
    CHECK_TRUE(podInfo.ingress.attached);
    STRCMP_EQUAL("np_from_pod", podInfo.ingress.progName.c_str());
    CHECK_TRUE(podInfo.ingress.current);
    STRCMP_EQUAL("np_to_pod", podInfo.egress.progName.c_str());
    CHECK_TRUE(podInfo.egress.current);
    auto extInfo = queryOrFail(node->datapath(), external);
    STRCMP_EQUAL("np_from_netdev", extInfo.ingress.progName.c_str());
    STRCMP_EQUAL("np_to_netdev", extInfo.egress.progName.c_str());

    auto ingress = tcFilters(*node, "np-pod-a", "ingress");
    CHECK_TEXT(ingress.find("np_from_pod") != std::string::npos, ingress.c_str());
    CHECK_TEXT(ingress.find("direct-action") != std::string::npos, ingress.c_str());
    CHECK_TEXT(ingress.find("pref 1 ") != std::string::npos, ingress.c_str());
    LONGS_EQUAL_TEXT(1, ourFilters(ingress), ingress.c_str());
    auto egress = tcFilters(*node, "np-pod-a", "egress");
    CHECK_TEXT(egress.find("np_to_pod") != std::string::npos, egress.c_str());
}

TEST(Attach, NothingAttachedReadsAsNothing) {
    auto info = queryOrFail(node->datapath(), pod);
    CHECK_FALSE(info.ingress.attached);
    CHECK_FALSE(info.egress.attached);
}

TEST(Attach, AttachingAgainReplacesInPlace) {
    CHECK_TRUE(node->datapath().attachPod(pod).ok());
    CHECK_TRUE(node->datapath().attachPod(pod).ok());
    // The interface turned out to be external after all: same slot, new program.
    CHECK_TRUE(node->datapath().attachExternal(pod).ok());
    STRCMP_EQUAL("np_from_netdev", queryOrFail(node->datapath(), pod).ingress.progName.c_str());
    auto ingress = tcFilters(*node, "np-pod-a", "ingress");
    LONGS_EQUAL_TEXT(1, ourFilters(ingress), ingress.c_str());
}

TEST(Attach, ARestartedDaemonReplacesThePrograms) {
    CHECK_TRUE(node->datapath().attachPod(pod).ok());
    const auto before = queryOrFail(node->datapath(), pod);

    datapath::Options options;
    options.bpffs = node->bpffs() + "/nodeplane";
    auto restarted = Datapath::open(options);
    CHECK_TRUE(restarted.ok());
    // Until it attaches, the new daemon sees its predecessor's program.
    auto seenByNew = queryOrFail(*restarted, pod);
    LONGS_EQUAL(before.ingress.progId, seenByNew.ingress.progId);
    CHECK_FALSE(seenByNew.ingress.current);
    STRCMP_EQUAL("np_from_pod", seenByNew.ingress.progName.c_str());

    CHECK_TRUE(restarted->attachPod(pod).ok());
    auto after = queryOrFail(*restarted, pod);
    CHECK_TRUE(after.ingress.current);
    CHECK_TRUE(after.egress.current);
    CHECK_TRUE(after.ingress.progId != before.ingress.progId);
    CHECK_FALSE(queryOrFail(node->datapath(), pod).ingress.current);
    auto ingress = tcFilters(*node, "np-pod-a", "ingress");
    LONGS_EQUAL_TEXT(1, ourFilters(ingress), ingress.c_str());
}

TEST(Attach, DetachRemovesOursAndIsIdempotent) {
    CHECK_TRUE(node->datapath().attachPod(pod).ok());
    CHECK_TRUE(node->datapath().detach(pod).ok());
    auto info = queryOrFail(node->datapath(), pod);
    CHECK_FALSE(info.ingress.attached);
    CHECK_FALSE(info.egress.attached);
    LONGS_EQUAL(0, ourFilters(tcFilters(*node, "np-pod-a", "ingress")));
    LONGS_EQUAL(0, ourFilters(tcFilters(*node, "np-pod-a", "egress")));

    CHECK_TRUE(node->datapath().detach(pod).ok());       // already detached
    CHECK_TRUE(node->datapath().detach(external).ok());  // never attached, no qdisc
    runOrThrow({"ip", "link", "del", "np-ext"}, node->netns().fd());
    CHECK_TRUE(node->datapath().detach(external).ok());  // interface gone
}

TEST(Attach, AMissingInterfaceIsAClearError) {
    auto attached = node->datapath().attachPod(999999);
    CHECK_FALSE(attached.ok());
    const auto& message = attached.error().message;
    CHECK_TEXT(message.find("ifindex 999999") != std::string::npos, message.c_str());
}

// Two pods wired as snapshot.md's "Pod attachment" says, on a node with no
// routes to them and forwarding off: a datagram from one reaches the other
// only if from_pod redirects it, and arrives with the TTL one lower.
TEST_GROUP(PodTraffic) {
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
    }
    void teardown() override {
        pods.reset();
        node.reset();
    }

    // A UDP socket bound to ip:port inside `ns`, reporting the TTL of what it receives.
    UniqueFd udpSocket(const ScopedNetns& ns, const char* ip, std::uint16_t port) {
        EnterNetns inside(ns);
        UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        CHECK_TRUE(fd.valid());
        int on = 1;
        CHECK_EQUAL(0, ::setsockopt(fd.get(), IPPROTO_IP, IP_RECVTTL, &on, sizeof on));
        int ttl = 64;
        CHECK_EQUAL(0, ::setsockopt(fd.get(), IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        ::inet_pton(AF_INET, ip, &addr.sin_addr);
        CHECK_EQUAL(0, ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr));
        return fd;
    }

    void sendTo(const UniqueFd& fd, const char* ip, std::uint16_t port, const std::string& text) {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        ::inet_pton(AF_INET, ip, &to.sin_addr);
        auto sent = ::sendto(fd.get(), text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
        LONGS_EQUAL(text.size(), sent);
    }

    // The datagram's text and TTL, or nullopt after `timeoutMs`.
    std::optional<std::pair<std::string, int>> receive(const UniqueFd& fd, int timeoutMs) {
        pollfd p{fd.get(), POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) != 1) return std::nullopt;
        char data[256];
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        iovec iov{data, sizeof data};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        auto n = ::recvmsg(fd.get(), &msg, 0);
        if (n < 0) return std::nullopt;
        int ttl = -1;
        for (auto* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c))
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) std::memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
        return std::make_pair(std::string(data, static_cast<std::size_t>(n)), ttl);
    }
};

TEST(PodTraffic, PodsReachEachOtherThroughFromPodOnly) {
    auto a = udpSocket(*podA, kPodA, 5001);
    auto b = udpSocket(*podB, kPodB, 5002);

    sendTo(a, kPodB, 5002, "hello b");
    auto atB = receive(b, 3000);
    CHECK_TEXT(atB.has_value(), "pod B received nothing from pod A");
    STRCMP_EQUAL("hello b", atB->first.c_str());
    LONGS_EQUAL(63, atB->second);

    sendTo(b, kPodA, 5001, "hello a");
    auto atA = receive(a, 3000);
    CHECK_TEXT(atA.has_value(), "pod A received nothing from pod B");
    LONGS_EQUAL(63, atA->second);

    auto& stats = node->datapath().stats();
    CHECK(statCounter(stats, "forwarded_local").packets >= 2);
    CHECK(stats.interfaceCounters(hostA)->rxPackets >= 1);  // from pod A, at its host end
    CHECK(stats.interfaceCounters(hostB)->txPackets >= 1);  // into pod B, through to_pod
}

TEST(PodTraffic, APodCannotSendFromAnAddressItDoesNotOwn) {
    orFail([&] { runOrThrow({"ip", "addr", "add", "10.200.1.99/32", "dev", "eth0"}, podA->fd()); });
    auto spoofer = udpSocket(*podA, "10.200.1.99", 5003);
    auto b = udpSocket(*podB, kPodB, 5002);

    sendTo(spoofer, kPodB, 5002, "spoofed");
    CHECK_FALSE_TEXT(receive(b, 500).has_value(), "a spoofed datagram reached pod B");
    CHECK(dropCounter(node->datapath().stats(), "spoofed_source").packets >= 1);
}
