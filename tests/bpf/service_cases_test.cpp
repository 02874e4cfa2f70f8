// Every packet_flow case of the shared services-public.json, through the real
// pipeline: k8sjson -> the Service compiler -> the daemon's map plan and
// reconciler -> the shipped datapath, with one real packet per flow
// (BPF_PROG_TEST_RUN): a pod's at from_pod, an outside client's at
// from_netdev. Checked: DNAT to one of the eligible backends (and masquerade
// where the datapath needs it), REJECT (TCP RST / ICMP port unreachable from
// the frontend), DROP.
//
// Each case's service_cidr is configured as [services] cluster-ip-ranges
// would be, so DROP for an unallocated address in it runs too. Not run here,
// and counted: flows from the node itself (translated per socket by the
// cgroup hooks, tests/bpf/sock_lb_*) and IPv6 flows (the datapath is IPv4
// for now).
#include <CppUTest/TestHarness.h>

#include <linux/pkt_cls.h>

#include <algorithm>

#include "daemon/service_plan.h"
#include "daemon/service_reconciler.h"
#include "packet_test_support.h"
#include "support/command.h"
#include "support/counters.h"
#include "support/packet_view.h"
#include "support/service_cases.h"

using namespace nodeplane;
using namespace nodeplane::test;
using nlohmann::json;

namespace {

constexpr const char* kMacOutside = "02:00:00:00:ee:01";
constexpr const char* kMacNode = "02:00:00:00:ee:02";

// One case's node: a pod interface for pod sources, the external interface
// with the node's primary address and a default route, the case's services
// programmed as the daemon would.
struct CaseNode {
    DatapathFixture node;
    int podIf = 0;
    int extIf = 0;
    IpAddress masquerade;

    CaseNode(const json& environment, const compiler::DesiredServices& desired,
             const std::vector<IpAddress>& nodePortAddresses, const std::vector<IpPrefix>& serviceCIDRs) {
        podIf = node.addInterface("np-pod");
        extIf = node.addInterface("np-ext");
        const int fd = node.netns().fd();
        const std::string primary = environment.at("proxy_node").at("primary_ipv4");
        masquerade = *IpAddress::parse(primary);
        runOrThrow({"ip", "addr", "add", primary + "/24", "dev", "np-ext"}, fd);
        auto gateway = masquerade.bytes;
        gateway[3] = 1;
        runOrThrow({"ip", "route", "add", "default", "via",
                    std::to_string(gateway[0]) + "." + std::to_string(gateway[1]) + "." + std::to_string(gateway[2]) +
                        ".1"},
                   fd);
        runOrThrow({"sysctl", "-qw", "net.ipv4.conf.all.forwarding=1"}, fd);
        auto& dp = node.datapath();
        if (!dp.setMasqueradeAddress(masquerade)) throw std::runtime_error("cannot set the masquerade address");
        if (auto set = dp.setClusterIpRanges(serviceCIDRs); !set)
            throw std::runtime_error("cannot set the service range: " + set.error().message);
        daemon::ServiceIds ids;
        daemon::ServiceReconciler reconciler(
            {dp.services(), dp.backends(), dp.revNat(), dp.sourceRanges(), dp.conntrack()});
        auto applied = reconciler.apply(daemon::planServiceMaps(desired, nodePortAddresses, ids));
        if (!applied) throw std::runtime_error("programming the case's services failed: " + applied.error().message);
    }

    // A pod source must be a local endpoint behind the pod interface, or
    // anti-spoofing drops it.
    void admitPod(const IpAddress& pod) {
        auto ok = node.datapath().localEndpoints().upsert(pod, {static_cast<std::uint32_t>(podIf), 1, 0, 0});
        if (!ok) FAIL(ok.error().message.c_str());
    }
};

Bytes flowPacket(const json& flow) {
    const std::string src = flow.at("source").at("ip");
    const std::string dst = flow.at("destination").at("ip");
    const auto port = flow.at("destination").at("port").get<std::uint16_t>();
    PacketBuilder b;
    b.eth(kMacOutside, kMacNode).ipv4(src, dst);
    if (flow.at("protocol") == "UDP")
        b.udp(41000, port);
    else
        b.tcp(41000, port, tcp_flags::kSyn);
    return b.payload("probe").build();
}

std::string hostPort(const std::string& address, std::uint16_t port) { return address + ":" + std::to_string(port); }

struct Tally {
    int run = 0, fromHost = 0, ipv6 = 0, serviceCidrDrop = 0;  // serviceCidrDrop: run, and of those
};

void runFlows(const json& c, const json& flows, const json& objects, CaseFailures& f, Tally& tally,
              const std::string& id) {
    const auto& env = c.at("environment");
    auto compiled = compiler::compileServices(caseModel(env, objects, f, id), compiler::ServiceLimits{});
    f.check(compiled.ok(), id, "compile failed: " + formatInputErrors(compiled.errors));
    auto ctx = caseFlowContext(env);
    CaseNode n(env, compiled.desired, ctx.nodePortAddresses, ctx.serviceCIDRs);

    for (const auto& flow : flows) {
        const std::string where = id + " flow '" + flow.at("name").get<std::string>() + "'";
        const std::string kind = flow.at("source").at("kind");
        const std::string want = flow.at("expected").at("result");
        auto src = *IpAddress::parse(flow.at("source").at("ip").get<std::string>());
        auto dst = *IpAddress::parse(flow.at("destination").at("ip").get<std::string>());
        if (!src.isV4() || !dst.isV4()) {
            ++tally.ipv6;
            continue;
        }
        if (kind != "pod" && kind != "external") {
            ++tally.fromHost;
            continue;
        }
        const bool inClusterIPs = std::find(compiled.desired.clusterIPs.begin(), compiled.desired.clusterIPs.end(),
                                            dst) != compiled.desired.clusterIPs.end();
        const bool unallocatedDrop =
            want == "DROP" && !inClusterIPs &&
            std::none_of(compiled.desired.frontends.begin(), compiled.desired.frontends.end(),
                         [&](const compiler::Frontend& fe) { return fe.address == dst; }) &&
            std::any_of(ctx.serviceCIDRs.begin(), ctx.serviceCIDRs.end(),
                        [&](const IpPrefix& p) { return p.contains(dst); });
        ++tally.run;
        const auto unallocatedBefore = dropCounter(n.node.datapath().stats(), "unallocated_cluster_ip").packets;

        const bool fromPod = kind == "pod";
        if (fromPod) n.admitPod(src);
        auto frame = flowPacket(flow);
        auto program = fromPod ? datapath::Program::FromPod : datapath::Program::FromNetdev;
        auto run = runOn(n.node, program, fromPod ? n.podIf : n.extIf, frame);
        PacketView out(run.output);
        const std::uint16_t dport = flow.at("destination").at("port");

        if (want == "DROP") {
            f.check(run.retval == TC_ACT_SHOT, where, std::string("expected a drop, got ") + tcActionName(run.retval));
            if (unallocatedDrop) {
                ++tally.serviceCidrDrop;
                const auto after = dropCounter(n.node.datapath().stats(), "unallocated_cluster_ip").packets;
                f.check(after == unallocatedBefore + 1, where,
                        "an unallocated service address must count as unallocated_cluster_ip");
            }
        } else if (want == "REJECT") {
            f.check(run.retval == TC_ACT_REDIRECT, where, std::string("expected a reply sent back, got ") +
                                                              tcActionName(run.retval));
            f.check(out.ipv4Src() == dst.toString() && out.ipv4Dst() == src.toString(), where,
                    "the refusal must come from the frontend to the client, got " + out.ipv4Src() + " -> " +
                        out.ipv4Dst());
            if (flow.at("protocol") == "TCP")
                f.check(out.protocol() == 6 && (out.bytes()[34 + 13] & tcp_flags::kRst), where, "expected a TCP RST");
            else
                f.check(out.protocol() == 1 && out.bytes()[34] == 3 && out.bytes()[35] == 3, where,
                        "expected an ICMP port unreachable");
        } else if (want == "DNAT") {
            f.check(run.retval != TC_ACT_SHOT, where, "expected DNAT, the packet was dropped");
            std::vector<std::string> eligible;
            for (const auto& e : flow.at("expected").at("eligible_backends")) eligible.push_back(e);
            const std::string got = hostPort(out.ipv4Dst(), out.dstPort());
            const bool isEligible = std::find(eligible.begin(), eligible.end(), got) != eligible.end();
            f.check(isEligible, where, "translated to " + got + ", not an eligible backend");
            f.check(out.l4ChecksumValid() && out.ipv4ChecksumValid(), where, "checksums broken by the translation");
            // kube-proxy masquerades every such flow; the datapath only
            // where the reply would not come back otherwise: to a backend
            // on another node, or a pod reaching itself.
            const bool wantMasq = flow.at("expected").at("masquerade");
            bool backendLocal = false;
            for (const auto& port : compiled.desired.ports)
                for (const auto& b : port.endpoints.cluster)
                    if (b.toString() == got && b.local) backendLocal = true;
            const bool hairpin = out.ipv4Dst() == src.toString();
            const bool needed = wantMasq && (!fromPod ? !backendLocal : hairpin);
            const std::string wantSrc = needed || hairpin ? n.masquerade.toString() : src.toString();
            f.check(out.ipv4Src() == wantSrc, where,
                    "source after translation " + out.ipv4Src() + ", expected " + wantSrc);
        } else {
            f.check(run.retval != TC_ACT_SHOT && out.ipv4Dst() == dst.toString() && out.dstPort() == dport, where,
                    "expected the packet untouched (" + want + ")");
        }
    }
}

}  // namespace

TEST_GROUP(ServiceCasesInTheDatapath){};

TEST(ServiceCasesInTheDatapath, PacketFlows) {
    auto doc = loadServiceCases();
    auto cases = casesOfKind(doc, "packet_flow");
    CHECK_TEXT(!cases.empty(), "no packet_flow case in services-public.json");
    CaseFailures f;
    Tally tally;
    int sctp = 0;
    for (auto c : cases) {
        const std::string id = c.at("id");
        sctp += withoutSctp(c);
        json objects = c.at("services");
        for (const auto& s : c.at("endpointSlices")) objects.push_back(s);
        orFail([&] { runFlows(c, c.at("flows"), objects, f, tally, id); });
        if (c.contains("after_endpointslice_deleted"))
            orFail([&] {
                runFlows(c, c.at("after_endpointslice_deleted"), c.at("services"), f, tally,
                         id + " (slices deleted)");
            });
    }
    std::printf("\n  services-public.json in the datapath: %d flows run (%d of them service-CIDR drops); not "
                "here: %d from the node (socket hooks), %d IPv6, %d SCTP (refused)\n",
                tally.run, tally.serviceCidrDrop, tally.fromHost, tally.ipv6, sctp);
    CHECK_TEXT(tally.run >= 26, "fewer flows ran than the cases hold");
    CHECK_TEXT(tally.serviceCidrDrop >= 1, "no unallocated service-address DROP ran (svc-002 has one)");
    if (!f.text.empty()) FAIL(f.text.c_str());
}
