// A logind "delay" inhibitor lock for shutdown (org.freedesktop.login1,
// https://systemd.io/INHIBITOR_LOCKS/): logind holds a shutdown back until
// we close the lock's fd, or InhibitDelayMaxSec passes, and announces it
// with PrepareForShutdown(true). The daemon drains in that window, so load
// balancers move away before the node stops forwarding.
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "bus/bus_handles.h"
#include "common/c_handle.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace nodeplane::daemon {

class ShutdownInhibitor {
public:
    // Called on the loop when logind announces a shutdown; must not throw.
    using OnShutdown = std::function<void()>;

    // Connects to the system bus (sd_bus_open_system: DBUS_SYSTEM_BUS_ADDRESS
    // when set, so tests bring their own bus), subscribes to
    // PrepareForShutdown and only then takes the lock, so no announcement
    // falls between the two. `why` is what `systemd-inhibit --list` shows.
    static Result<std::unique_ptr<ShutdownInhibitor>> take(sd_event* event, const std::string& why,
                                                           OnShutdown onShutdown);
    ~ShutdownInhibitor();
    ShutdownInhibitor(const ShutdownInhibitor&) = delete;
    ShutdownInhibitor& operator=(const ShutdownInhibitor&) = delete;

    // Closes the lock: logind goes on with the shutdown.
    void release() { lock_.reset(); }
    bool holding() const { return lock_.valid(); }
    // logind's InhibitDelayMaxUSec as read when the lock was taken: the
    // longest a shutdown waits for us; nullopt when logind did not say.
    std::optional<std::chrono::microseconds> maxDelay() const { return maxDelay_; }

private:
    explicit ShutdownInhibitor(OnShutdown onShutdown) : onShutdown_(std::move(onShutdown)) {}
    static int onPrepareForShutdown(sd_bus_message* message, void* userdata, sd_bus_error* error) noexcept;

    using SlotPtr = CHandle<sd_bus_slot, sd_bus_slot_unref>;
    bus::BusPtr bus_;  // declared first: outlives the match slot
    SlotPtr match_;
    UniqueFd lock_;
    std::optional<std::chrono::microseconds> maxDelay_;
    OnShutdown onShutdown_;
};

}  // namespace nodeplane::daemon
