// LinkWatcher against the kernel, driven by a real sd-event loop, in the
// scratch namespace: links are made and changed with iproute2, so the
// watcher is checked against an independent writer.
#include <CppUTest/TestHarness.h>
#include <net/if.h>
#include <linux/if.h>

#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "common/c_handle.h"
#include "netlink/link_watcher.h"
#include "scratch_netns.h"

using namespace nodeplane;
using namespace nodeplane::netlink;
using namespace nodeplane::netlink::test;

namespace {

using EventPtr = CHandle<sd_event, sd_event_unref>;

int kernelIndex(const std::string& name) { return static_cast<int>(::if_nametoindex(name.c_str())); }

// Interface names as `ip -o link show` lists them ("3: np-h1@np-p1: <...").
std::set<std::string> kernelLinkNames(const ScratchNetns& scratch) {
    std::set<std::string> names;
    std::istringstream lines(scratch.ipOutput("-o link show"));
    for (std::string line; std::getline(lines, line);) {
        auto start = line.find(": ");
        if (start == std::string::npos) continue;
        start += 2;
        auto end = line.find_first_of("@:", start);
        names.insert(line.substr(start, end - start));
    }
    return names;
}

std::set<std::string> watchedLinkNames(const LinkWatcher& watcher) {
    std::set<std::string> names;
    for (const Link& link : watcher.links()) names.insert(link.name);
    return names;
}

}  // namespace

TEST_GROUP(LinkWatcher) {
    std::unique_ptr<ScratchNetns> scratch;
    EventPtr event;
    std::vector<LinkEvent> events;

    void setup() override {
        scratch = ScratchNetns::enter();
        sd_event* raw = nullptr;
        CHECK_TRUE(sd_event_new(&raw) >= 0);
        event.reset(raw);
    }
    void teardown() override {
        event.reset();
        scratch.reset();  // and with the namespace every link the test made
    }

    void addLink(const std::string& name, const std::string& spec) {
        scratch->ipOrFail("link add " + name + " " + spec);
    }

    LinkWatcher start(const LinkWatcher::Options& options = {}) {
        auto watcher = LinkWatcher::start(
            event.get(), [this](const LinkEvent& e) { events.push_back(e); }, options);
        CHECK_TEXT(watcher.ok(), watcher.ok() ? "" : watcher.error().message.c_str());
        return std::move(watcher).value();
    }

    const LinkEvent* lastEventFor(int ifindex) const {
        for (auto it = events.rbegin(); it != events.rend(); ++it)
            if (it->link.ifindex == ifindex) return &*it;
        return nullptr;
    }
};

TEST(LinkWatcher, InitialDumpReportsEveryExistingLinkBeforeStartReturns) {
    addLink("np-pre0", "type veth peer name np-pre0p");
    LinkWatcher watcher = start();

    const LinkEvent* lo = lastEventFor(1);
    CHECK_TRUE(lo != nullptr);
    STRCMP_EQUAL("lo", lo->link.name.c_str());
    CHECK_TRUE(lo->link.up());
    const LinkEvent* pre = lastEventFor(kernelIndex("np-pre0"));
    CHECK_TRUE(pre != nullptr);
    CHECK_FALSE(pre->removed);
    STRCMP_EQUAL("np-pre0", pre->link.name.c_str());
    STRCMP_EQUAL("veth", pre->link.kind.c_str());
    LONGS_EQUAL(6, pre->link.address.size());

    LONGS_EQUAL(kernelIndex("np-pre0"), *watcher.ifindexOf("np-pre0"));
    CHECK_FALSE(watcher.ifindexOf("np-none").has_value());
    CHECK(kernelLinkNames(*scratch) == watchedLinkNames(watcher));
    LONGS_EQUAL(watcher.links().size(), events.size());
}

TEST(LinkWatcher, SeesAVethCreatedAfterStart) {
    LinkWatcher watcher = start();
    std::size_t before = events.size();
    addLink("np-h1", "type veth peer name np-p1");
    CHECK_TRUE(runUntil(event.get(), [&] { return watcher.ifindexOf("np-h1") && watcher.ifindexOf("np-p1"); }));

    int hostEnd = kernelIndex("np-h1");
    LONGS_EQUAL(hostEnd, *watcher.ifindexOf("np-h1"));
    const LinkEvent* added = lastEventFor(hostEnd);
    CHECK_TRUE(added != nullptr);
    CHECK_FALSE(added->removed);
    STRCMP_EQUAL("veth", added->link.kind.c_str());
    CHECK_FALSE(added->link.up());
    CHECK_TRUE(events.size() >= before + 2);
    CHECK(kernelLinkNames(*scratch) == watchedLinkNames(watcher));
}

TEST(LinkWatcher, FollowsAdminStateAndCarrier) {
    addLink("np-h1", "type veth peer name np-p1");
    LinkWatcher watcher = start();
    int hostEnd = kernelIndex("np-h1");

    scratch->ipOrFail("link set np-h1 up");
    CHECK_TRUE(runUntil(event.get(), [&] { return watcher.link(hostEnd)->up(); }));
    CHECK_FALSE(watcher.link(hostEnd)->running());  // the peer is still down

    scratch->ipOrFail("link set np-p1 up");
    CHECK_TRUE(runUntil(event.get(), [&] {
        return watcher.link(hostEnd)->running() && watcher.link(hostEnd)->operState == IF_OPER_UP;
    }));
    CHECK_TRUE(lastEventFor(hostEnd)->link.running());

    scratch->ipOrFail("link set np-p1 down");
    CHECK_TRUE(runUntil(event.get(), [&] { return !watcher.link(hostEnd)->running(); }));
    CHECK_TRUE(watcher.link(hostEnd)->up());

    scratch->ipOrFail("link set np-h1 down");
    CHECK_TRUE(runUntil(event.get(), [&] { return !watcher.link(hostEnd)->up(); }));
    CHECK_FALSE(lastEventFor(hostEnd)->link.up());
}

TEST(LinkWatcher, RenameMovesTheNameAndReportsThePreviousOne) {
    addLink("np-h1", "type veth peer name np-p1");
    LinkWatcher watcher = start();
    int hostEnd = kernelIndex("np-h1");

    scratch->ipOrFail("link set np-h1 name np-h1x");
    CHECK_TRUE(runUntil(event.get(), [&] { return watcher.ifindexOf("np-h1x").has_value(); }));
    LONGS_EQUAL(hostEnd, *watcher.ifindexOf("np-h1x"));
    CHECK_FALSE(watcher.ifindexOf("np-h1").has_value());
    const LinkEvent* renamed = lastEventFor(hostEnd);
    STRCMP_EQUAL("np-h1x", renamed->link.name.c_str());
    STRCMP_EQUAL("np-h1", renamed->previousName.c_str());
    CHECK_FALSE(renamed->removed);
}

TEST(LinkWatcher, SeesRemovalAndAReappearanceUnderTheSameName) {
    addLink("np-h1", "type veth peer name np-p1");
    LinkWatcher watcher = start();
    int oldHostEnd = kernelIndex("np-h1");
    int oldPeer = kernelIndex("np-p1");

    scratch->ipOrFail("link del np-h1");  // takes the peer with it
    CHECK_TRUE(runUntil(event.get(), [&] { return !watcher.ifindexOf("np-h1") && !watcher.ifindexOf("np-p1"); }));
    CHECK_TRUE(lastEventFor(oldHostEnd)->removed);
    STRCMP_EQUAL("np-h1", lastEventFor(oldHostEnd)->link.name.c_str());
    CHECK_TRUE(lastEventFor(oldPeer)->removed);
    CHECK_FALSE(watcher.link(oldHostEnd).has_value());

    addLink("np-h1", "type veth peer name np-p1");
    CHECK_TRUE(runUntil(event.get(), [&] { return watcher.ifindexOf("np-h1").has_value(); }));
    int newHostEnd = kernelIndex("np-h1");
    CHECK_TRUE(newHostEnd != oldHostEnd);
    LONGS_EQUAL(newHostEnd, *watcher.ifindexOf("np-h1"));
    CHECK_FALSE(lastEventFor(newHostEnd)->removed);
}

TEST(LinkWatcher, NotificationsThatChangeNothingWeTrackAreNotPassedOn) {
    addLink("np-h1", "type veth peer name np-p1");
    LinkWatcher watcher = start();
    int hostEnd = kernelIndex("np-h1");
    std::size_t before = events.size();

    scratch->ipOrFail("link set np-h1 txqueuelen 2000");  // RTM_NEWLINK, nothing we track
    scratch->ipOrFail("link set np-h1 mtu 1400");
    CHECK_TRUE(runUntil(event.get(), [&] { return watcher.link(hostEnd)->mtu == 1400; }));
    LONGS_EQUAL(before + 1, events.size());
    LONGS_EQUAL(1400, events.back().link.mtu);
}

TEST(LinkWatcher, ACallbackThatThrowsDoesNotStopTheWatch) {
    std::size_t calls = 0;
    auto started = LinkWatcher::start(event.get(), [&](const LinkEvent&) {
        ++calls;
        throw std::runtime_error("handler bug");
    });
    CHECK_TRUE(started.ok());
    LinkWatcher watcher = std::move(started).value();
    addLink("np-h1", "type veth peer name np-p1");
    CHECK_TRUE(runUntil(event.get(), [&] { return watcher.ifindexOf("np-p1").has_value(); }));
    CHECK_TRUE(calls >= 3);  // lo, then both ends
}

TEST(LinkWatcher, RecoversFromASocketOverrunByRedumping) {
    LinkWatcher::Options tiny;
    tiny.receiveBufferBytes = 1;  // the kernel's minimum: a couple of messages
    LinkWatcher watcher = start(tiny);

    // Eight pairs the watcher learns about, then, while the loop does not
    // read, seventeen new pairs and the removal of the first eight: the
    // socket overruns, the kernel drops most of these notifications, and the
    // removals can only be learnt from the re-dump.
    for (int i = 0; i < 8; ++i) addLink("np-d" + std::to_string(i), "type veth peer name np-e" + std::to_string(i));
    CHECK_TRUE(runUntil(event.get(), [&] { return watcher.ifindexOf("np-e7").has_value(); }));
    for (int i = 8; i < 25; ++i) addLink("np-d" + std::to_string(i), "type veth peer name np-e" + std::to_string(i));
    std::map<std::string, int> deleted;
    for (int i = 0; i < 8; ++i) {
        std::string name = "np-d" + std::to_string(i);
        deleted[name] = kernelIndex(name);
        deleted["np-e" + std::to_string(i)] = kernelIndex("np-e" + std::to_string(i));
        scratch->ipOrFail("link del " + name);  // takes its peer along
    }

    auto consistent = [&] { return kernelLinkNames(*scratch) == watchedLinkNames(watcher); };
    CHECK_TRUE(runUntil(event.get(), [&] { return watcher.resyncs() >= 1 && consistent(); }));
    CHECK_TRUE(watcher.resyncs() >= 1);

    for (int i = 8; i < 25; ++i) {
        for (std::string name : {"np-d" + std::to_string(i), "np-e" + std::to_string(i)}) {
            LONGS_EQUAL(kernelIndex(name), *watcher.ifindexOf(name));
            const LinkEvent* last = lastEventFor(kernelIndex(name));
            CHECK_TEXT(last != nullptr && !last->removed, name.c_str());
        }
    }
    for (const auto& [name, ifindex] : deleted) {
        CHECK_FALSE(watcher.ifindexOf(name).has_value());
        const LinkEvent* last = lastEventFor(ifindex);
        CHECK_TEXT(last != nullptr && last->removed, name.c_str());
    }
}
