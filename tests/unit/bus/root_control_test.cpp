// Root-only: who may talk to the daemon. Drops to uid nobody in forked
// children and runs a private system bus with the project's policy file.
#include <CppUTest/TestHarness.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "bus/control_client.h"
#include "child_process.h"
#include "nodeplanectl/cli.h"
#include "private_bus.h"
#include "serve.h"
#include "served_daemon.h"

using namespace nodeplane::bus;
using namespace nodeplane::bus::test;

namespace {

std::string connectReport(const Target& target) {
    auto client = ControlClient::connect(target);
    if (!client) return client.error().message;
    auto status = client->status();
    return status ? "connected as uid " + std::to_string(::getuid()) : status.error().message;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_GROUP_BASE(PeerCredentials, ServedDaemon) {
    std::string socketPath = dir.path() + "/run/nodeplane/control.sock";
    std::unique_ptr<ControlServer> server;

    void setup() override {
        ::chmod(dir.path().c_str(), 0755);  // let nobody walk to the socket
        server = start(socketPath);
    }
};

TEST(PeerCredentials, TheSocketModeKeepsOthersOut) {
    std::string report = runAsUser(event.get(), kNobody, [&] { return connectReport(Target{socketPath, false}); });
    STRCMP_EQUAL(("Cannot reach nodeplaned at " + socketPath + ": Cannot connect: Permission denied").c_str(),
                 report.c_str());
}

TEST(PeerCredentials, TheServerRefusesOtherUsersEvenOnAnOpenSocket) {
    // An operator loosened the mode; the uid check still holds.
    LONGS_EQUAL(0, ::chmod(socketPath.c_str(), 0666));
    std::string report = runAsUser(event.get(), kNobody, [&] { return connectReport(Target{socketPath, false}); });
    CHECK_TEXT(report.rfind("Cannot reach nodeplaned at " + socketPath + ": ", 0) == 0, report.c_str());
    LONGS_EQUAL(0, server->connectionCount());
    // Root still gets in.
    std::string root = runAsUser(event.get(), 0, [&] { return connectReport(Target{socketPath, false}); });
    STRCMP_EQUAL("connected as uid 0", root.c_str());
}

TEST_GROUP_BASE(SystemBus, ServedDaemon) {
    std::unique_ptr<PrivateSystemBus> bus;

    void setup() override {
        ::chmod(dir.path().c_str(), 0755);  // let nobody reach the bus socket
        bus = std::make_unique<PrivateSystemBus>(dir.path(),
                                                 NODEPLANE_SOURCE_DIR "/systemd/org.nodeplane.Control1.conf");
        CHECK_TEXT(bus->running(), bus->error().c_str());
    }
    void teardown() override { bus.reset(); }

    std::unique_ptr<ControlServer> startOnBus(const std::string& name) {
        return start(dir.path() + "/" + name + ".sock", true);
    }
};

TEST(SystemBus, RootOwnsTheNameAndIsServedByName) {
    auto server = startOnBus("a");
    CHECK(server->onSystemBus());
    auto status = whileServing(event.get(), [&]() -> nodeplane::Result<NodeStatus> {
        auto client = ControlClient::connect(Target{"", true});
        if (!client) return client.error();
        return client->status();
    });
    CHECK_TEXT(status.ok(), status.ok() ? "" : status.error().message.c_str());
    CHECK(sampleStatus() == *status);

    std::string out = whileServing(event.get(), [] {
        std::ostringstream o, e;
        std::vector<std::string> args{"--system", "reload"};
        int code = nodeplane::ctl::runCli(args, o, e);
        return std::to_string(code) + " " + o.str() + e.str();
    });
    STRCMP_EQUAL("0 Reloaded: applied generation 8\n", out.c_str());
}

TEST(SystemBus, OthersMayNeitherCallNorOwn) {
    auto server = startOnBus("a");
    std::string call = runAsUser(event.get(), kNobody, [] { return connectReport(Target{"", true}); });
    CHECK_TEXT(call.rfind("Cannot reach nodeplaned at org.nodeplane.Control1 on the system bus: ", 0) == 0,
               call.c_str());
    CHECK_TEXT(contains(call, "Rejected send message"), call.c_str());

    std::string own = runAsUser(event.get(), kNobody, [] {
        sd_bus* raw = nullptr;
        if (sd_bus_open_system(&raw) < 0) return std::string("no bus");
        BusPtr owned(raw);
        int r = sd_bus_request_name(raw, kBusName, 0);
        return r < 0 ? std::string("refused: ") + std::strerror(-r) : std::string("owned");
    });
    STRCMP_EQUAL("refused: Permission denied", own.c_str());
}

TEST(SystemBus, ASecondDaemonKeepsToItsSocket) {
    auto first = startOnBus("a");
    auto second = startOnBus("b");
    CHECK(first->onSystemBus());
    CHECK_FALSE(second->onSystemBus());
}

TEST(SystemBus, NoSystemBusIsNoError) {
    bus.reset();  // the daemon is gone and the address with it
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", ("unix:path=" + dir.path() + "/no-bus-here").c_str(), 1);
    auto server = startOnBus("a");
    ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
    CHECK_FALSE(server->onSystemBus());
}

// A bus whose policy lets anyone call the daemon: what an operator who
// loosened the policy file would run. The mutating calls must still refuse
// everyone but root.
TEST_GROUP_BASE(LoosenedSystemBus, ServedDaemon) {
    std::unique_ptr<PrivateSystemBus> bus;

    void setup() override {
        ::chmod(dir.path().c_str(), 0755);
        const std::string policy = dir.path() + "/open.conf";
        std::ofstream(policy) << R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root"><allow own="org.nodeplane.Control1"/></policy>
  <policy context="default"><allow send_destination="org.nodeplane.Control1"/></policy>
</busconfig>
)";
        bus = std::make_unique<PrivateSystemBus>(dir.path(), policy);
        CHECK_TEXT(bus->running(), bus->error().c_str());
    }
    void teardown() override { bus.reset(); }
};

TEST(LoosenedSystemBus, OnlyRootMayFlushConntrackOrReload) {
    auto server = start(dir.path() + "/a.sock", true);
    CHECK(server->onSystemBus());
    std::string nobody = runAsUser(event.get(), kNobody, [] {
        auto client = ControlClient::connect(Target{"", true});
        if (!client) return client.error().message;
        auto flushed = client->flushConntrack();
        auto reloaded = client->reload();
        return (flushed ? "flushed" : flushed.error().message) + "\n" +
               (reloaded ? "reloaded" : reloaded.error().message);
    });
    STRCMP_EQUAL("FlushConntrack failed: Access to org.nodeplane.Control1.FlushConntrack() not permitted.\n"
                 "Reload failed: Access to org.nodeplane.Control1.Reload() not permitted.",
                 nobody.c_str());
    LONGS_EQUAL(0, handler.flushes);
    LONGS_EQUAL(0, handler.reloads);

    std::string root = runAsUser(event.get(), 0, [] {
        auto client = ControlClient::connect(Target{"", true});
        if (!client) return client.error().message;
        auto flushed = client->flushConntrack();
        return flushed ? "flushed " + std::to_string(*flushed) : flushed.error().message;
    });
    STRCMP_EQUAL("flushed 5", root.c_str());
}
