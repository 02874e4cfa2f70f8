#include <CppUTest/TestHarness.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstring>
#include <fstream>

#include "bus/control_client.h"
#include "common/unique_fd.h"
#include "serve.h"
#include "served_daemon.h"

using namespace nodeplane::bus;
using nodeplane::UniqueFd;
using nodeplane::bus::test::runLoopUntil;
using nodeplane::bus::test::sampleStatus;
using nodeplane::bus::test::ServedDaemon;
using nodeplane::bus::test::whileServing;

namespace {

mode_t modeOf(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

TEST_GROUP_BASE(ControlServer, ServedDaemon) {
    std::string socketPath = dir.path() + "/run/nodeplane/control.sock";

    // One fresh connection per call, as nodeplanectl makes them.
    nodeplane::Result<NodeStatus> fetchStatus() {
        return whileServing(event.get(), [&]() -> nodeplane::Result<NodeStatus> {
            auto client = ControlClient::connect(Target{socketPath, false});
            if (!client) return client.error();
            return client->status();
        });
    }
    nodeplane::Result<ReloadOutcome> requestReload() {
        return whileServing(event.get(), [&]() -> nodeplane::Result<ReloadOutcome> {
            auto client = ControlClient::connect(Target{socketPath, false});
            if (!client) return client.error();
            return client->reload();
        });
    }
};

TEST(ControlServer, StatusRoundTripsEveryField) {
    auto server = start(socketPath);
    auto status = fetchStatus();
    CHECK_TEXT(status.ok(), status.ok() ? "" : status.error().message.c_str());
    const NodeStatus expected = sampleStatus();
    STRCMP_EQUAL(expected.node.c_str(), status->node.c_str());
    STRCMP_EQUAL(expected.lastRefusedReload.c_str(), status->lastRefusedReload.c_str());
    LONGS_EQUAL(2, status->pendingInterfaces.size());
    LONGS_EQUAL(3, status->interfaces.size());
    CHECK(status->interfaces[1].rxPackets == std::numeric_limits<std::uint64_t>::max());
    CHECK(status->interfaces[2].programs.empty());
    LONGS_EQUAL(131072, status->maps[1].entries);
    CHECK(status->stats[0].value == 123456789012ULL);
    CHECK(expected == *status);
}

TEST(ControlServer, EmptyStatusRoundTrips) {
    handler.current = NodeStatus{};
    auto server = start(socketPath);
    auto status = fetchStatus();
    CHECK(status.ok());
    CHECK(NodeStatus{} == *status);
}

TEST(ControlServer, ServicesRoundTripEveryField) {
    auto server = start(socketPath);
    auto services = whileServing(event.get(), [&]() -> nodeplane::Result<std::vector<ServiceRecord>> {
        auto client = ControlClient::connect(Target{socketPath, false});
        if (!client) return client.error();
        return client->services();
    });
    CHECK_TEXT(services.ok(), services.ok() ? "" : services.error().message.c_str());
    LONGS_EQUAL(2, services->size());
    CHECK_FALSE((*services)[0].backends[1].local);
    CHECK((*services)[0].backends[1].terminating);
    LONGS_EQUAL(1, (*services)[0].activeHalf);
    CHECK(handler.services == *services);
}

TEST(ControlServer, ConntrackRoundTripsEveryFieldAndTheTotal) {
    auto server = start(socketPath);
    auto listing = whileServing(event.get(), [&]() -> nodeplane::Result<ConntrackListing> {
        auto client = ControlClient::connect(Target{socketPath, false});
        if (!client) return client.error();
        return client->conntrack();
    });
    CHECK_TEXT(listing.ok(), listing.ok() ? "" : listing.error().message.c_str());
    LONGS_EQUAL(3, listing->entries.size());
    CHECK(listing->total == 5);
    CHECK(listing->entries[0].timeoutNs == 60'000'000'000ULL);
    STRCMP_EQUAL("192.168.50.2", listing->entries[2].natAddress.c_str());
    LONGS_EQUAL(61000, listing->entries[2].natPort);
    CHECK(handler.conntrack == *listing);
}

TEST(ControlServer, IdentitiesRoundTripEveryField) {
    auto server = start(socketPath);
    auto identities = whileServing(event.get(), [&]() -> nodeplane::Result<std::vector<IdentityRecord>> {
        auto client = ControlClient::connect(Target{socketPath, false});
        if (!client) return client.error();
        return client->identities();
    });
    CHECK_TEXT(identities.ok(), identities.ok() ? "" : identities.error().message.c_str());
    LONGS_EQUAL(3, identities->size());
    CHECK(handler.identities == *identities);
}

TEST(ControlServer, PolicyOfAPodRoundTripsAndNamesThePod) {
    auto server = start(socketPath);
    auto asked = [&](const std::string& pod) {
        return whileServing(event.get(), [&]() -> nodeplane::Result<EndpointPolicyRecord> {
            auto client = ControlClient::connect(Target{socketPath, false});
            if (!client) return client.error();
            return client->policy(pod);
        });
    };
    auto policy = asked("shop/web-1");
    CHECK_TEXT(policy.ok(), policy.ok() ? "" : policy.error().message.c_str());
    STRCMP_EQUAL("shop/web-1", handler.askedPolicyOf.c_str());
    CHECK(handler.policy == *policy);
    auto missing = asked("shop/nope");
    CHECK_FALSE(missing.ok());
    CHECK_TEXT(missing.error().message.find("'shop/nope' is not a pod on this node") != std::string::npos,
               missing.error().message.c_str());
}

TEST(ControlServer, EmptyListingsRoundTrip) {
    handler.services.clear();
    handler.conntrack = ConntrackListing{};
    auto server = start(socketPath);
    auto both = whileServing(event.get(), [&]() -> std::string {
        auto client = ControlClient::connect(Target{socketPath, false});
        if (!client) return client.error().message;
        auto services = client->services();
        auto conntrack = client->conntrack();
        if (!services || !conntrack) return "a listing failed";
        return std::to_string(services->size()) + " " + std::to_string(conntrack->entries.size()) + " " +
               std::to_string(conntrack->total);
    });
    STRCMP_EQUAL("0 0 0", both.c_str());
}

TEST(ControlServer, FlushAnswersHowManyWentAndHandlerErrorsComeBack) {
    auto server = start(socketPath);
    auto flushed = whileServing(event.get(), [&]() -> nodeplane::Result<std::uint64_t> {
        auto client = ControlClient::connect(Target{socketPath, false});
        if (!client) return client.error();
        return client->flushConntrack();
    });
    CHECK_TEXT(flushed.ok(), flushed.ok() ? "" : flushed.error().message.c_str());
    CHECK(*flushed == 5);
    LONGS_EQUAL(1, handler.flushes);

    handler.listingError = "Failed to walk np_conntrack_v2: Operation not permitted";
    auto errors = whileServing(event.get(), [&]() -> std::string {
        auto client = ControlClient::connect(Target{socketPath, false});
        if (!client) return client.error().message;
        return client->services().error().message + "\n" + client->conntrack().error().message + "\n" +
               client->flushConntrack().error().message;
    });
    STRCMP_EQUAL("ListServices failed: Failed to walk np_conntrack_v2: Operation not permitted\n"
                 "ListConntrack failed: Failed to walk np_conntrack_v2: Operation not permitted\n"
                 "FlushConntrack failed: Failed to walk np_conntrack_v2: Operation not permitted",
                 errors.c_str());
    LONGS_EQUAL(1, handler.flushes);
}

TEST(ControlServer, ReloadAppliedAndRefused) {
    auto server = start(socketPath);
    auto applied = requestReload();
    CHECK(applied.ok());
    CHECK(applied->applied);
    STRCMP_EQUAL("applied generation 8", applied->message.c_str());

    handler.refuseWith = "state.toml:3:1: unknown key 'servics'";
    auto refused = requestReload();
    CHECK_TEXT(refused.ok(), refused.ok() ? "" : refused.error().message.c_str());
    CHECK_FALSE(refused->applied);
    STRCMP_EQUAL("state.toml:3:1: unknown key 'servics'", refused->message.c_str());
    LONGS_EQUAL(2, handler.reloads);
}

TEST(ControlServer, AFailingHandlerIsADaemonErrorNotAnUnreachableDaemon) {
    handler.throwOnStatus = true;
    auto server = start(socketPath);
    auto status = fetchStatus();
    CHECK_FALSE(status.ok());
    STRCMP_EQUAL("GetStatus failed: Failed to collect the status: the map walker broke",
                 status.error().message.c_str());
}

TEST(ControlServer, OneConnectionServesManyCallsAndIsDroppedOnHangUp) {
    auto server = start(socketPath);
    auto calls = whileServing(event.get(), [&]() -> int {
        auto client = ControlClient::connect(Target{socketPath, false});
        if (!client) return -1;
        int ok = 0;
        for (int i = 0; i < 3; ++i) ok += client->status().ok() ? 1 : 0;
        return ok;
    });
    LONGS_EQUAL(3, calls);
    // The client is gone; its bus must go too, without anyone asking.
    CHECK(runLoopUntil(event.get(), [&] { return server->connectionCount() == 0; }));
}

TEST(ControlServer, SocketDirectoryAndModes) {
    auto server = start(socketPath);
    LONGS_EQUAL(0755, modeOf(dir.path() + "/run"));
    LONGS_EQUAL(0755, modeOf(dir.path() + "/run/nodeplane"));
    LONGS_EQUAL(0660, modeOf(socketPath));
    server.reset();
    CHECK_FALSE_TEXT(exists(socketPath), "the socket file outlived the server");
}

TEST(ControlServer, ReplacesAStaleSocketButNotALiveOne) {
    // What a killed daemon leaves: a socket file nobody listens on.
    std::string path = dir.path() + "/control.sock";
    {
        UniqueFd dead(::socket(AF_UNIX, SOCK_STREAM, 0));
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strcpy(address.sun_path, path.c_str());
        LONGS_EQUAL(0, ::bind(dead.get(), reinterpret_cast<sockaddr*>(&address), sizeof address));
    }
    CHECK(exists(path));
    auto first = start(path);

    auto second = ControlServer::start(event.get(), handler, ControlServerOptions{path, false});
    CHECK_FALSE(second.ok());
    STRCMP_EQUAL(("Another daemon is serving on '" + path + "'").c_str(), second.error().message.c_str());
    // The refused server must not have removed the live daemon's socket.
    CHECK(exists(path));
}

TEST(ControlServer, RefusesToReplaceAFileThatIsNotASocket) {
    std::string path = dir.path() + "/control.sock";
    std::ofstream(path) << "precious";
    auto server = ControlServer::start(event.get(), handler, ControlServerOptions{path, false});
    CHECK_FALSE(server.ok());
    STRCMP_EQUAL(("'" + path + "' exists and is not a socket, refusing to replace it").c_str(),
                 server.error().message.c_str());
}

TEST(ControlServer, RefusesPathsThatCannotBeASocket) {
    auto relative = ControlServer::start(event.get(), handler, ControlServerOptions{"control.sock", false});
    CHECK_FALSE(relative.ok());
    STRCMP_EQUAL("Control socket path 'control.sock' is not absolute", relative.error().message.c_str());
    std::string tooLong = dir.path() + "/" + std::string(120, 'x');
    auto longer = ControlServer::start(event.get(), handler, ControlServerOptions{tooLong, false});
    CHECK_FALSE(longer.ok());
    CHECK(longer.error().message.find("is longer than 107 bytes") != std::string::npos);
}

TEST(ControlServer, UnreachableDaemonNamesTheSocket) {
    std::string missing = dir.path() + "/missing.sock";
    auto client = ControlClient::connect(Target{missing, false});
    CHECK_FALSE(client.ok());
    STRCMP_EQUAL(("Cannot reach nodeplaned at " + missing + ": Cannot connect: No such file or directory").c_str(),
                 client.error().message.c_str());
}

TEST(ControlServer, IntrospectionNamesEveryArgument) {
    auto server = start(socketPath);
    std::string xml = whileServing(event.get(), [&]() -> std::string {
        sd_bus* raw = nullptr;
        if (sd_bus_new(&raw) < 0) return "sd_bus_new failed";
        BusPtr bus(raw);
        sd_bus_set_address(raw, ("unix:path=" + socketPath).c_str());
        if (sd_bus_start(raw) < 0) return "sd_bus_start failed";
        BusError error;
        sd_bus_message* reply = nullptr;
        int r = sd_bus_call_method(raw, nullptr, kObjectPath, "org.freedesktop.DBus.Introspectable", "Introspect",
                                   error.get(), &reply, "");
        MessagePtr owner(reply);
        const char* text = nullptr;
        if (r < 0 || sd_bus_message_read(reply, "s", &text) < 0) return std::string("failed: ") + error.message();
        return text;
    });
    CHECK_TEXT(xml.find("<interface name=\"org.nodeplane.Control1\">") != std::string::npos, xml.c_str());
    for (const char* arg : {"<arg type=\"s\" name=\"node\" direction=\"out\"/>",
                            "<arg type=\"s\" name=\"lastRefusedReload\" direction=\"out\"/>",
                            "<arg type=\"as\" name=\"pendingInterfaces\" direction=\"out\"/>",
                            "<arg type=\"a(sisastttt)\" name=\"interfaces\" direction=\"out\"/>",
                            "<arg type=\"a(ssuu)\" name=\"maps\" direction=\"out\"/>",
                            "<arg type=\"a(st)\" name=\"stats\" direction=\"out\"/>",
                            "<arg type=\"(uuutttta(st)s)\" name=\"conntrack\" direction=\"out\"/>",
                            "<arg type=\"s\" name=\"message\" direction=\"out\"/>",
                            "<method name=\"ListServices\">",
                            "<arg type=\"a(sqssasuuuuya(usqbb))\" name=\"services\" direction=\"out\"/>",
                            "<method name=\"ListConntrack\">",
                            "<arg type=\"a(sssqsqstttuuybbsq)\" name=\"entries\" direction=\"out\"/>",
                            "<arg type=\"t\" name=\"total\" direction=\"out\"/>",
                            "<method name=\"FlushConntrack\">",
                            "<method name=\"ListIdentities\">",
                            "<arg type=\"a(ussasu)\" name=\"identities\" direction=\"out\"/>",
                            "<method name=\"GetPolicy\">",
                            "<arg type=\"s\" name=\"pod\" direction=\"in\"/>",
                            "<arg type=\"a(sussqqus)\" name=\"allows\" direction=\"out\"/>",
                            "<arg type=\"t\" name=\"removed\" direction=\"out\"/>"})
        CHECK_TEXT(xml.find(arg) != std::string::npos, arg);
}
