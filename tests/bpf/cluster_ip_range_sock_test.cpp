// The service range ([services] cluster-ip-ranges) at the node's own
// sockets: connect() and sendmsg() to an address in it that no ClusterIP
// holds fail with EPERM (kube-proxy drops such traffic; a socket cannot
// wait for a drop), an allocated ClusterIP keeps its behaviour.
#include <CppUTest/TestHarness.h>

#include "sock_lb_node.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::FrontendFlags;
using datapath::FrontendValue;
using datapath::L4Protocol;

namespace {

constexpr const char* kUnallocated = "10.96.0.50";  // in 10.96.0.0/12, no service

std::vector<IpPrefix> serviceRange() { return {*IpPrefix::parse("10.96.0.0/12")}; }

}  // namespace

TEST_GROUP(UnallocatedClusterIpFromTheNode) {
    SocketNode n;
    void setup() override { n.build(); }
    void teardown() override { n.tearDown(); }
};

TEST(UnallocatedClusterIpFromTheNode, ConnectFailsWithEpermAndAnAllocatedOneIsStillRefused) {
    FrontendFlags reject;
    reject.rejectWithoutBackend = true;
    n.publishWeb({}, reject);
    n.publish(frontendOf(kVip, 0, L4Protocol::Tcp), FrontendValue{9, 9, reject, 0}, {});
    n.publish(frontendOf(kVip, 0, L4Protocol::Udp), FrontendValue{9, 9, reject, 0}, {});
    // Without ranges the node's connect() to an unknown address goes to
    // the network (none here: unreachable).
    STRCMP_EQUAL("connect: Network is unreachable",
                 runInCgroup(*n.cgroup, [] { return tcpClient(kUnallocated, 80); }).c_str());
    checkOk(n.dp().setClusterIpRanges(serviceRange()));
    STRCMP_EQUAL("connect: Operation not permitted",
                 runInCgroup(*n.cgroup, [] { return tcpClient(kUnallocated, 80); }).c_str());
    STRCMP_EQUAL("sendto: Operation not permitted",
                 runInCgroup(*n.cgroup, [] { return udpClient(kUnallocated, 53, false); }).c_str());
    STRCMP_EQUAL("connect: Connection refused",
                 runInCgroup(*n.cgroup, [] { return tcpClient(kVip, kVipPort); }).c_str());
    // A ClusterIP's other port is not "unallocated": untouched at the socket.
    STRCMP_EQUAL("connect: Network is unreachable",
                 runInCgroup(*n.cgroup, [] { return tcpClient(kVip, 81); }).c_str());
    LONGS_EQUAL(3, n.stat("sock_rejected"));
}
