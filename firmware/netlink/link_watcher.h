// Watches the interfaces of the daemon's network namespace from the sd-event
// loop: an initial dump, then every RTM_NEWLINK/RTM_DELLINK the kernel sends,
// and a fresh dump whenever the socket overran (ENOBUFS). Keeps the current
// links queryable by name and ifindex, so attaching to a pod's host end works
// whether it existed before the daemon, appears later, or comes and goes.
#pragma once

#include <systemd/sd-event.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "netlink/link.h"

namespace nodeplane::netlink {

class LinkWatcher {
public:
    // Called for every link that appears, changes (flags, operstate, name,
    // MTU, MAC, kind) or disappears; a message that changes none of these is
    // not passed on. Runs on the loop; exceptions are caught and logged. It may
    // query the watcher, but must not destroy it.
    using Callback = std::function<void(const LinkEvent&)>;

    struct Options {
        // Room for bursts of notifications (each RTM_NEWLINK takes a few KiB of
        // socket memory) while the loop is busy, e.g. a node starting 100 pods.
        // An overrun is still handled, by re-dumping, but costs a full dump.
        int receiveBufferBytes = 4 * 1024 * 1024;
    };

    // Subscribes to RTNLGRP_LINK, dumps the current links and calls `onEvent`
    // for each of them before returning (so links() is complete at once), then
    // delivers further events from `event`'s loop. Subscribing before dumping
    // means no change can fall between the two.
    static Result<LinkWatcher> start(sd_event* event, Callback onEvent, const Options& options);
    static Result<LinkWatcher> start(sd_event* event, Callback onEvent) { return start(event, std::move(onEvent), {}); }

    LinkWatcher(LinkWatcher&&) noexcept;
    LinkWatcher& operator=(LinkWatcher&&) noexcept;
    ~LinkWatcher();

    std::optional<int> ifindexOf(std::string_view name) const;
    std::optional<Link> link(int ifindex) const;
    std::vector<Link> links() const;  // ordered by ifindex
    // How many times an overrun was repaired by a re-dump (for metrics).
    std::uint64_t resyncs() const;

private:
    struct State;
    explicit LinkWatcher(std::unique_ptr<State> state);

    std::unique_ptr<State> state_;
};

}  // namespace nodeplane::netlink
