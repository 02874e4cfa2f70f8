// `nodeplanectl observe` against a real flow stream: the server and its
// sd-event loop run on a second thread, as in the daemon; the CLI runs on
// this one and blocks on the socket as the binary does.
#include <CppUTest/TestHarness.h>

#include <atomic>
#include <filesystem>
#include <sstream>
#include <thread>

#include "flowstream/flow_json.h"
#include "flowstream/stream_server.h"
#include "nodeplanectl/cli.h"
#include "nodeplanectl/observe_render.h"
#include "sample_flows.h"

using namespace nodeplane;
using namespace nodeplane::flowstream;
using namespace nodeplane::flowstream::test;

namespace {

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

Run runObserve(std::vector<std::string> args) {
    std::ostringstream out, err;
    Run run;
    run.exitCode = ctl::runCli(args, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
}

// A flow stream on its own thread that publishes `flows` once a client is
// watching, then serves until stopped.
class ServedStream {
public:
    ServedStream(std::string path, std::vector<observe::EnrichedFlow> flows, bool closeAfter = false)
        : path_(std::move(path)) {
        thread_ = std::thread([this, flows = std::move(flows), closeAfter] { serve(flows, closeAfter); });
        while (!listening_ && !failed_) std::this_thread::yield();
    }
    ~ServedStream() {
        stop_ = true;
        thread_.join();
    }
    bool failed() const { return failed_; }

private:
    void serve(const std::vector<observe::EnrichedFlow>& flows, bool closeAfter) {
        sd_event* raw = nullptr;
        if (sd_event_new(&raw) < 0) {
            failed_ = true;
            return;
        }
        EventLoopPtr event(raw);
        auto server = StreamServer::start(event.get(), path_);
        if (!server) {
            failed_ = true;
            return;
        }
        listening_ = true;
        bool published = false;
        while (!stop_) {
            sd_event_run(event.get(), 10000);
            if (!published && (*server)->watchingClients() > 0) {
                for (const auto& flow : flows) (*server)->publish(flow);
                published = true;
            }
            if (published && closeAfter) {
                // Let the lines go out, then go away as a stopping daemon does.
                for (int i = 0; i < 20; ++i) sd_event_run(event.get(), 1000);
                break;
            }
        }
    }

    std::string path_;
    std::thread thread_;
    std::atomic<bool> listening_{false};
    std::atomic<bool> failed_{false};
    std::atomic<bool> stop_{false};
};

class TempDir {
public:
    TempDir() {
        char pattern[] = "/tmp/np-observe-cli-test-XXXXXX";
        const char* made = ::mkdtemp(pattern);
        path_ = made ? made : "";
    }
    ~TempDir() {
        std::error_code ignored;
        if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

std::vector<observe::EnrichedFlow> threeFlows() {
    observe::EnrichedFlow other = allowedVerdict();
    other.src = podPeer("kube-system", "coredns-1", "10.0.3.3");
    other.dst = podPeer("kube-system", "coredns-2", "10.0.3.4");
    other.event.src = other.src.address;
    other.event.dst = other.dst.address;
    return {allowedVerdict(), other, deniedVerdict()};
}

}  // namespace

TEST_GROUP(ObserveCli) {
    TempDir dir;
    std::string path;
    void setup() override { path = dir.path() + "/observe.sock"; }
};

TEST(ObserveCli, PrintsMatchingFlowsAsTextUntilTheCount) {
    ServedStream served(path, threeFlows());
    CHECK_FALSE(served.failed());
    Run run = runObserve({"observe", "--socket", path, "--namespace", "default", "--count=2"});
    STRCMP_EQUAL("", run.err.c_str());
    LONGS_EQUAL(0, run.exitCode);
    STRCMP_EQUAL("2026-11-28T21:40:05.123Z ALLOW policy  default/web-1 10.0.1.5:40000 -> data/db-0 10.0.2.7:5432 "
                 "tcp ingress by data/allow-web\n"
                 "2026-11-28T21:40:05.123Z DENY  policy  default/web-1 10.0.1.5:40000 -> data/db-0 10.0.2.7:5432 "
                 "tcp egress reason policy_denied\n",
                 run.out.c_str());
}

TEST(ObserveCli, PrintsTheServersJsonLinesWithOutputJson) {
    ServedStream served(path, threeFlows());
    Run run = runObserve({"observe", "--socket", path, "--verdict", "deny", "--output", "json", "--count", "1"});
    LONGS_EQUAL(0, run.exitCode);
    STRCMP_EQUAL(flowJsonLine(deniedVerdict()).c_str(), run.out.c_str());
}

TEST(ObserveCli, ADaemonThatGoesAwayEndsTheStreamWithAnError) {
    ServedStream served(path, threeFlows(), /*closeAfter=*/true);
    Run run = runObserve({"observe", "--socket", path, "--pod", "kube-system/coredns-2"});
    LONGS_EQUAL(1, run.exitCode);
    STRCMP_CONTAINS("kube-system/coredns-1 10.0.3.3:40000 -> kube-system/coredns-2 10.0.3.4:5432", run.out.c_str());
    STRCMP_EQUAL("nodeplanectl: the daemon closed the flow stream\n", run.err.c_str());
}

TEST(ObserveCli, UsageErrorsAndAnAbsentDaemon) {
    Run bad = runObserve({"observe", "--verdict", "maybe"});
    LONGS_EQUAL(2, bad.exitCode);
    STRCMP_CONTAINS("--verdict takes allow, deny or drop, got 'maybe'", bad.err.c_str());
    LONGS_EQUAL(2, runObserve({"observe", "--count", "0"}).exitCode);
    LONGS_EQUAL(2, runObserve({"observe", "--colour", "red"}).exitCode);
    LONGS_EQUAL(2, runObserve({"observe", "extra"}).exitCode);
    LONGS_EQUAL(2, runObserve({"observe", "--port"}).exitCode);
    LONGS_EQUAL(2, runObserve({"--system", "observe"}).exitCode);
    Run absent = runObserve({"observe", "--socket", path});
    LONGS_EQUAL(3, absent.exitCode);
    STRCMP_CONTAINS(("Failed to connect to the flow stream at '" + path + "'").c_str(), absent.err.c_str());
}

TEST_GROUP(ObserveRender){};

TEST(ObserveRender, EveryKindReads) {
    observe::EnrichedFlow translation = allowedVerdict();
    translation.event.kind = observe::FlowEventKind::ServiceTranslation;
    translation.event.protocol = IPPROTO_UDP;
    translation.event.frontend = *IpAddress::parse("10.96.0.10");
    translation.event.frontendPort = 53;
    STRCMP_EQUAL("2026-11-28T21:40:05.123Z ALLOW service default/web-1 10.0.1.5:40000 -> data/db-0 10.0.2.7:5432 "
                 "udp via 10.96.0.10:53",
                 ctl::observeFlowToText(flowToJson(translation)).c_str());

    observe::EnrichedFlow close = allowedVerdict();
    close.event.kind = observe::FlowEventKind::FlowClose;
    close.event.packets = 12;
    close.event.bytes = 3400;
    close.dst.kind = observe::Peer::Kind::Node;
    close.dst.nodeName = "node-b";
    STRCMP_EQUAL("2026-11-28T21:40:05.123Z ALLOW close   default/web-1 10.0.1.5:40000 -> node/node-b 10.0.2.7:5432 "
                 "tcp finished 12 packets 3400 bytes",
                 ctl::observeFlowToText(flowToJson(close)).c_str());
    close.event.closeCause = observe::CloseCause::IdleTimeout;
    close.event.packets = close.event.bytes = 0;
    STRCMP_EQUAL("2026-11-28T21:40:05.123Z ALLOW close   default/web-1 10.0.1.5:40000 -> node/node-b 10.0.2.7:5432 "
                 "tcp idle-timeout",
                 ctl::observeFlowToText(flowToJson(close)).c_str());

    observe::EnrichedFlow drop;
    drop.event.kind = observe::FlowEventKind::Drop;
    drop.event.time = sampleTime();
    drop.event.protocol = IPPROTO_ICMPV6;
    drop.event.src = *IpAddress::parse("fd00::1");
    drop.event.dst = *IpAddress::parse("fd00::2");
    drop.event.dropReason = NP_DROP_MALFORMED;
    STRCMP_EQUAL("2026-11-28T21:40:05.123Z DROP  drop    fd00::1 -> fd00::2 icmpv6 reason malformed",
                 ctl::observeFlowToText(flowToJson(drop)).c_str());

    observe::EnrichedFlow unselected = allowedVerdict();
    unselected.policies.clear();
    STRCMP_CONTAINS("tcp ingress (no policy of this direction applies)",
                    ctl::observeFlowToText(flowToJson(unselected)).c_str());
    STRCMP_EQUAL("-- 1 flow lost: this client read too slowly --", ctl::observeLostToText(1).c_str());
    STRCMP_EQUAL("-- 17 flows lost: this client read too slowly --", ctl::observeLostToText(17).c_str());
}
