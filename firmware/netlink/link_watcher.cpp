#include "netlink/link_watcher.h"

#include <linux/rtnetlink.h>
#include <sys/epoll.h>

#include <cstring>
#include <map>
#include <string>
#include <unordered_map>

#include "common/c_handle.h"
#include "common/log.h"
#include "netlink/socket.h"

namespace nodeplane::netlink {

using EventSourcePtr = CHandle<sd_event_source, sd_event_source_disable_unref>;

namespace {
// Datagrams read per wake-up before yielding to the rest of the loop; the
// io source is level-triggered, so what is left is read on the next turn.
constexpr int kMaxDatagramsPerWakeup = 256;
// Delay before another re-dump when one failed (ENOMEM, endless EINTR).
constexpr std::uint64_t kResyncRetryMicroseconds = 1'000'000;
}  // namespace

struct LinkWatcher::State {
    State(NetlinkSocket monitorSocket, NetlinkSocket requestSocket, Callback callback)
        : monitor(std::move(monitorSocket)), requests(std::move(requestSocket)), onEvent(std::move(callback)) {}

    NetlinkSocket monitor;   // notifications only
    NetlinkSocket requests;  // dumps, so their answers never mix with notifications
    Callback onEvent;
    EventSourcePtr source;
    EventSourcePtr retryTimer;  // armed while a failed re-dump waits for its retry
    std::map<int, Link> byIndex;
    std::unordered_map<std::string, int> byName;
    std::uint64_t resyncCount = 0;

    static int onReadable(sd_event_source*, int, std::uint32_t, void* userdata) noexcept {
        static_cast<State*>(userdata)->readAll();
        return 0;  // a negative return would disable the source for good
    }

    static int onRetry(sd_event_source*, std::uint64_t, void* userdata) noexcept {
        auto* state = static_cast<State*>(userdata);
        state->retryTimer.reset();
        state->resync();
        return 0;
    }

    void readAll() noexcept {
        for (int datagrams = 0; datagrams < kMaxDatagramsPerWakeup; ++datagrams) {
            auto received = monitor.receive();
            if (!received) {
                int errnum = received.error().errnum;
                if (errnum == EAGAIN) return;
                if (errnum == ENOBUFS) {
                    // The kernel dropped notifications: what we know may be
                    // stale in any way, so learn the whole state again.
                    spdlog::warn("Link notifications overran the socket buffer, re-reading all links");
                    ++resyncCount;
                    resync();
                    continue;
                }
                spdlog::error("Failed to read link notifications: {}", received.error().message);
                return;
            }
            const auto* nlh = reinterpret_cast<const nlmsghdr*>(received->data());
            int remaining = static_cast<int>(received->size());
            for (; mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining))
                if (auto event = parseLinkMessage(*nlh)) apply(std::move(*event));
        }
    }

    // Drops whatever is queued, then dumps: every notification still queued
    // is older than the dump, and one from before a lost message could
    // resurrect a deleted link. Notifications arriving during the dump are
    // kept; replaying them afterwards converges on the newest state.
    void resync() noexcept {
        for (;;) {
            auto received = monitor.receive();
            if (!received && received.error().errnum == EAGAIN) break;
            if (!received && received.error().errnum != ENOBUFS) break;
        }
        Status dumped = dumpAndApply();
        if (dumped) return;
        spdlog::error("Failed to re-read links: {}, retrying in a second", dumped.error().message);
        scheduleRetry();
    }

    // Without a retry a failed re-dump would leave the table stale until the
    // next link notification, which may never come.
    void scheduleRetry() noexcept {
        if (retryTimer) return;
        sd_event_source* timer = nullptr;
        int r = sd_event_add_time_relative(sd_event_source_get_event(source.get()), &timer, CLOCK_MONOTONIC,
                                           kResyncRetryMicroseconds, 0, &State::onRetry, this);
        if (r < 0) {
            spdlog::error("Failed to schedule a link re-read: {}", std::strerror(-r));
            return;
        }
        retryTimer.reset(timer);
    }

    Status dumpAndApply() {
        auto dumped = requests.dumpAll<Link>(buildLinkDump(), [](const nlmsghdr& nlh) -> std::optional<Link> {
            auto event = parseLinkMessage(nlh);
            if (!event || event->removed) return std::nullopt;
            return std::move(event->link);
        });
        if (!dumped) return dumped.error();

        std::map<int, Link> current;
        for (Link& link : *dumped) current.emplace(link.ifindex, std::move(link));
        // Removals first: a vanished link's name may belong to a new one now.
        std::vector<int> gone;
        for (const auto& [ifindex, link] : byIndex)
            if (!current.contains(ifindex)) gone.push_back(ifindex);
        for (int ifindex : gone) apply(LinkEvent{byIndex.at(ifindex), true, {}});
        for (auto& [ifindex, link] : current) apply(LinkEvent{std::move(link), false, {}});
        return {};
    }

    void apply(LinkEvent event) noexcept {
        int ifindex = event.link.ifindex;
        auto known = byIndex.find(ifindex);
        if (event.removed) {
            if (known == byIndex.end()) return;  // never seen, or already removed by a re-dump
            forgetName(known->second.name, ifindex);
            byIndex.erase(known);
            deliver(event);
            return;
        }
        if (known != byIndex.end()) {
            if (known->second == event.link) return;
            if (known->second.name != event.link.name) {
                event.previousName = known->second.name;
                forgetName(known->second.name, ifindex);
            }
            known->second = event.link;
        } else {
            byIndex.emplace(ifindex, event.link);
        }
        byName[event.link.name] = ifindex;
        deliver(event);
    }

    void forgetName(const std::string& name, int ifindex) {
        auto entry = byName.find(name);
        if (entry != byName.end() && entry->second == ifindex) byName.erase(entry);
    }

    void deliver(const LinkEvent& event) noexcept {
        try {
            onEvent(event);
        } catch (const std::exception& e) {
            spdlog::error("Link event handler failed for {}: {}, ignoring", describe(event.link), e.what());
        } catch (...) {
            spdlog::error("Link event handler failed for {}, ignoring", describe(event.link));
        }
    }
};

LinkWatcher::LinkWatcher(std::unique_ptr<State> state) : state_(std::move(state)) {}
LinkWatcher::LinkWatcher(LinkWatcher&&) noexcept = default;
LinkWatcher& LinkWatcher::operator=(LinkWatcher&&) noexcept = default;
LinkWatcher::~LinkWatcher() = default;

Result<LinkWatcher> LinkWatcher::start(sd_event* event, Callback onEvent, const Options& options) {
    SocketOptions monitorOptions;
    monitorOptions.groups = RTMGRP_LINK;
    monitorOptions.nonBlocking = true;
    monitorOptions.receiveBufferBytes = options.receiveBufferBytes;
    auto monitor = NetlinkSocket::open(NETLINK_ROUTE, monitorOptions);
    if (!monitor) return Error{monitor.error().errnum, "Failed to watch links: " + monitor.error().message};
    auto requests = NetlinkSocket::open(NETLINK_ROUTE);
    if (!requests) return Error{requests.error().errnum, "Failed to watch links: " + requests.error().message};

    auto state = std::make_unique<State>(std::move(monitor).value(), std::move(requests).value(), std::move(onEvent));
    if (Status dumped = state->dumpAndApply(); !dumped)
        return Error{dumped.error().errnum, "Failed to list links: " + dumped.error().message};

    sd_event_source* source = nullptr;
    int r = sd_event_add_io(event, &source, state->monitor.fd(), EPOLLIN, &State::onReadable, state.get());
    if (r < 0) return Error::fromErrno(r, "Failed to add link watch to the event loop");
    state->source.reset(source);
    sd_event_source_set_description(source, "netlink-links");
    return LinkWatcher(std::move(state));
}

std::optional<int> LinkWatcher::ifindexOf(std::string_view name) const {
    auto entry = state_->byName.find(std::string(name));
    if (entry == state_->byName.end()) return std::nullopt;
    return entry->second;
}

std::optional<Link> LinkWatcher::link(int ifindex) const {
    auto entry = state_->byIndex.find(ifindex);
    if (entry == state_->byIndex.end()) return std::nullopt;
    return entry->second;
}

std::vector<Link> LinkWatcher::links() const {
    std::vector<Link> out;
    out.reserve(state_->byIndex.size());
    for (const auto& [ifindex, link] : state_->byIndex) out.push_back(link);
    return out;
}

std::uint64_t LinkWatcher::resyncs() const { return state_->resyncCount; }

}  // namespace nodeplane::netlink
