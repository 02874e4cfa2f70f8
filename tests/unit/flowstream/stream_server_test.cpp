// The flow stream over a real unix socket in a private directory, served
// from a real sd-event loop on this thread; the test plays the clients.
#include <CppUTest/TestHarness.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/event.h"
#include "common/unique_fd.h"
#include "flowstream/stream_server.h"
#include "sample_flows.h"

using namespace nodeplane;
using namespace nodeplane::flowstream;
using namespace nodeplane::flowstream::test;

namespace {

class TempDir {
public:
    TempDir() {
        char pattern[] = "/tmp/np-flowstream-test-XXXXXX";
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

// One observe client: connects, sends its filter line, reads what comes.
class Client {
public:
    Client(const std::string& path, const std::string& filterLine) {
        fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, path.data(), path.size());
        connected_ = ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        std::string line = filterLine + "\n";
        connected_ = connected_ && ::send(fd_.get(), line.data(), line.size(), MSG_NOSIGNAL) == ssize_t(line.size());
    }

    bool connected() const { return connected_; }
    // Takes what has arrived, without waiting.
    void drain() {
        char buf[65536];
        for (;;) {
            ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) {
                received_.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n == 0) closed_ = true;
            return;
        }
    }
    bool closed() const { return closed_; }
    std::vector<std::string> lines() const {
        std::vector<std::string> out;
        std::size_t start = 0;
        for (auto nl = received_.find('\n'); nl != std::string::npos; nl = received_.find('\n', start)) {
            out.push_back(received_.substr(start, nl - start));
            start = nl + 1;
        }
        return out;
    }
    void close() { fd_.reset(); }

private:
    UniqueFd fd_;
    bool connected_ = false;
    bool closed_ = false;
    std::string received_;
};

// A flow told apart by its source port.
observe::EnrichedFlow numbered(int n, bool allowed) {
    observe::EnrichedFlow flow = allowed ? allowedVerdict() : deniedVerdict();
    flow.event.srcPort = static_cast<std::uint16_t>(1000 + n);
    return flow;
}

int srcPort(const std::string& line) { return nlohmann::json::parse(line)["src"]["port"].get<int>(); }

// Lost notices among the lines before `at`.
std::size_t noticesBefore(const std::vector<std::string>& lines, const std::string* at) {
    std::size_t n = 0;
    for (const std::string* line = lines.data(); line != at; ++line) n += line->find("\"lost\"") != std::string::npos;
    return n;
}

}  // namespace

TEST_GROUP(StreamServer) {
    TempDir dir;
    EventLoopPtr event;
    std::string path;

    void setup() override {
        sd_event* e = nullptr;
        LONGS_EQUAL(0, sd_event_new(&e));
        event.reset(e);
        path = dir.path() + "/run/observe.sock";  // the parent is made by the server
    }
    void teardown() override { event.reset(); }

    std::unique_ptr<StreamServer> start(StreamServerOptions options = {}) {
        auto server = StreamServer::start(event.get(), path, options);
        CHECK_TEXT(server.ok(), server.ok() ? "" : server.error().message.c_str());
        return std::move(server).value();
    }

    // Runs the loop until `done` holds, reading the clients in between; false after 5 s.
    bool runUntil(const std::function<bool()>& done, std::vector<Client*> clients = {}) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < deadline) {
            for (Client* c : clients) c->drain();
            if (done()) return true;
            sd_event_run(event.get(), 10000);
        }
        return false;
    }
};

TEST(StreamServer, TheSocketIsRootOnlyAndGoesWithTheServer) {
    auto server = start();
    struct stat st {};
    LONGS_EQUAL(0, ::lstat(path.c_str(), &st));
    CHECK(S_ISSOCK(st.st_mode));
    LONGS_EQUAL(0600, st.st_mode & 07777);
    server.reset();
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST(StreamServer, AFastClientGetsEveryMatchingFlowInOrder) {
    auto server = start();
    Client client(path, "{\"verdict\":[\"deny\"],\"sinceNow\":true}");
    CHECK(client.connected());
    CHECK(runUntil([&] { return server->watchingClients() == 1; }));

    constexpr int kFlows = 6000;
    for (int i = 0; i < kFlows; ++i) {
        server->publish(numbered(i % 50000, /*allowed=*/i % 2 == 0));
        if (i % 200 == 0) {
            sd_event_run(event.get(), 0);
            client.drain();
        }
    }
    CHECK(runUntil([&] { return client.lines().size() >= kFlows / 2; }, {&client}));
    auto lines = client.lines();
    LONGS_EQUAL(kFlows / 2, lines.size());
    for (int i = 0; i < kFlows / 2; ++i) LONGS_EQUAL(1000 + 2 * i + 1, srcPort(lines[i]));
    LONGS_EQUAL(0, server->lostTotal());
}

TEST(StreamServer, ASlowClientLosesFlowsAndIsToldHowMany) {
    StreamServerOptions options;
    options.clientQueueBytes = 16 * 1024;
    auto server = start(options);
    Client slow(path, "{\"sinceNow\":true}");
    CHECK(runUntil([&] { return server->watchingClients() == 1; }));

    // Far more than the socket buffer and the queue hold; nobody reads.
    constexpr int kFlows = 8000;
    for (int i = 0; i < kFlows; ++i) {
        server->publish(numbered(i, true));
        if (i % 100 == 0) sd_event_run(event.get(), 0);
    }
    CHECK(server->lostTotal() > 0);

    // Now it reads: flows, with a {"lost": N} wherever it had fallen
    // behind, until every flow is either received or counted as lost.
    std::size_t flows = 0;
    std::uint64_t lost = 0, notices = 0;
    auto accounted = [&] {
        flows = 0;
        lost = notices = 0;
        for (const auto& line : slow.lines()) {
            auto json = nlohmann::json::parse(line);
            if (json.contains("lost")) {
                lost += json["lost"].get<std::uint64_t>();
                ++notices;
            } else {
                ++flows;
            }
        }
        return flows + lost == kFlows;
    };
    CHECK(runUntil(accounted, {&slow}));
    CHECK(flows > 0);
    CHECK(notices > 0);
    LONGS_EQUAL(lost, server->lostTotal());
    // What arrived came in order; a notice never stands before a flow it counts.
    auto lines = slow.lines();
    int last = 0;
    std::uint64_t seenLost = 0;
    for (const auto& line : lines) {
        auto json = nlohmann::json::parse(line);
        if (json.contains("lost")) {
            seenLost += json["lost"].get<std::uint64_t>();
            continue;
        }
        int port = srcPort(line);
        CHECK(port > last);
        last = port;
        // Every flow before this one was received or reported lost.
        LONGS_EQUAL(port - 1000, static_cast<int>(&line - &lines[0]) - static_cast<int>(noticesBefore(lines, &line)) +
                                     static_cast<int>(seenLost));
    }

    // Caught up, it gets new flows again.
    server->publish(numbered(77, true));
    CHECK(runUntil([&] { return slow.lines().size() == lines.size() + 1; }, {&slow}));
    LONGS_EQUAL(1077, srcPort(slow.lines().back()));
}

TEST(StreamServer, RecentFlowsAreReplayedUnlessSinceNow) {
    StreamServerOptions options;
    options.historyFlows = 2;
    auto server = start(options);
    for (int i = 0; i < 3; ++i) server->publish(numbered(i, true));

    Client replayed(path, "{}");
    Client fresh(path, "{\"sinceNow\":true}");
    CHECK(runUntil([&] { return server->watchingClients() == 2; }));
    CHECK(runUntil([&] { return replayed.lines().size() == 2; }, {&replayed, &fresh}));
    server->publish(numbered(3, true));
    CHECK(runUntil([&] { return replayed.lines().size() == 3 && fresh.lines().size() == 1; }, {&replayed, &fresh}));
    // Only the two newest were kept.
    LONGS_EQUAL(1001, srcPort(replayed.lines()[0]));
    LONGS_EQUAL(1002, srcPort(replayed.lines()[1]));
    LONGS_EQUAL(1003, srcPort(replayed.lines()[2]));
    LONGS_EQUAL(1003, srcPort(fresh.lines()[0]));
}

TEST(StreamServer, EachClientGetsWhatItsFilterTakes) {
    auto server = start();
    Client web(path, "{\"pod\":[\"default/web-1\"],\"sinceNow\":true}");
    Client dns(path, "{\"port\":[53],\"sinceNow\":true}");
    CHECK(runUntil([&] { return server->watchingClients() == 2; }));
    server->publish(numbered(1, true));  // web-1 -> db-0:5432
    observe::EnrichedFlow query = allowedVerdict();
    query.src = podPeer("kube-system", "coredns-1", "10.0.3.3");
    query.event.dstPort = 53;
    server->publish(query);
    CHECK(runUntil([&] { return web.lines().size() == 1 && dns.lines().size() == 1; }, {&web, &dns}));
    LONGS_EQUAL(1001, srcPort(web.lines()[0]));
    STRCMP_CONTAINS("coredns-1", dns.lines()[0].c_str());
    sd_event_run(event.get(), 10000);
    web.drain();
    LONGS_EQUAL(1, web.lines().size());
}

TEST(StreamServer, ABadFilterIsAnsweredAndClosed) {
    auto server = start();
    Client client(path, "{\"verdict\":[\"maybe\"]}");
    CHECK(runUntil([&] { return client.closed(); }, {&client}));
    LONGS_EQUAL(1, client.lines().size());
    STRCMP_EQUAL("{\"error\":\"--verdict takes allow, deny or drop, got 'maybe'\"}", client.lines()[0].c_str());
    LONGS_EQUAL(0, server->clients());
}

TEST(StreamServer, AClientThatHangsUpIsForgotten) {
    auto server = start();
    Client client(path, "{}");
    CHECK(runUntil([&] { return server->watchingClients() == 1; }));
    client.close();
    CHECK(runUntil([&] { return server->clients() == 0; }));
    server->publish(allowedVerdict());  // nobody left to write to
}

TEST(StreamServer, ALiveServerIsNotReplacedAStaleSocketIs) {
    auto first = start();
    auto second = StreamServer::start(event.get(), path);
    CHECK_FALSE(second.ok());
    STRCMP_CONTAINS("Another daemon is serving on", second.error().message.c_str());

    // A socket file nobody listens on, as a killed daemon leaves it.
    first.reset();
    UniqueFd stale(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.data(), path.size());
    LONGS_EQUAL(0, ::bind(stale.get(), reinterpret_cast<sockaddr*>(&address), sizeof address));
    stale.reset();
    auto third = StreamServer::start(event.get(), path);
    CHECK_TEXT(third.ok(), third.ok() ? "" : third.error().message.c_str());
}
