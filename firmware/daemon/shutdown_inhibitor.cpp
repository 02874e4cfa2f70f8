#include "daemon/shutdown_inhibitor.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>

#include <cstring>

namespace nodeplane::daemon {
namespace {

constexpr const char* kLogind = "org.freedesktop.login1";
constexpr const char* kLogindPath = "/org/freedesktop/login1";
constexpr const char* kLogindManager = "org.freedesktop.login1.Manager";
// At start a hung logind must not hold up the node's datapath for long.
constexpr std::uint64_t kLogindCallTimeoutUsec = 5'000'000;

}  // namespace

ShutdownInhibitor::~ShutdownInhibitor() = default;

Result<std::unique_ptr<ShutdownInhibitor>> ShutdownInhibitor::take(sd_event* event, const std::string& why,
                                                                   OnShutdown onShutdown) {
    std::unique_ptr<ShutdownInhibitor> self(new ShutdownInhibitor(std::move(onShutdown)));
    sd_bus* raw = nullptr;
    int r = sd_bus_open_system(&raw);
    self->bus_.reset(raw);
    if (r < 0) return Error::fromErrno(r, "Cannot connect to the system bus");
    if ((r = sd_bus_set_method_call_timeout(raw, kLogindCallTimeoutUsec)) < 0)
        return Error::fromErrno(r, "Failed to set the system bus call timeout");

    sd_bus_slot* slot = nullptr;
    r = sd_bus_match_signal(raw, &slot, kLogind, kLogindPath, kLogindManager, "PrepareForShutdown",
                            &ShutdownInhibitor::onPrepareForShutdown, self.get());
    if (r < 0) return Error::fromErrno(r, "Failed to subscribe to logind's PrepareForShutdown");
    self->match_.reset(slot);

    bus::BusError error;
    sd_bus_message* reply = nullptr;
    r = sd_bus_call_method(raw, kLogind, kLogindPath, kLogindManager, "Inhibit", error.get(), &reply, "ssss",
                           "shutdown", "nodeplane", why.c_str(), "delay");
    bus::MessagePtr owned(reply);
    if (r < 0)
        return Error{-r, std::string("Failed to take a shutdown delay lock from logind: ") +
                             (error.isSet() ? error.message() : std::strerror(-r))};
    int fd = -1;
    if ((r = sd_bus_message_read(reply, "h", &fd)) < 0) return Error::fromErrno(r, "Failed to read logind's lock");
    // The reply owns its fd; ours lives as long as the drain needs it.
    self->lock_.reset(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
    if (!self->lock_.valid()) return Error::fromErrno(errno, "Failed to keep logind's lock");

    std::uint64_t maxDelayUsec = 0;
    bus::BusError propertyError;
    if (sd_bus_get_property_trivial(raw, kLogind, kLogindPath, kLogindManager, "InhibitDelayMaxUSec",
                                    propertyError.get(), 't', &maxDelayUsec) >= 0)
        self->maxDelay_ = std::chrono::microseconds(maxDelayUsec);

    if ((r = sd_bus_attach_event(raw, event, SD_EVENT_PRIORITY_NORMAL)) < 0)
        return Error::fromErrno(r, "Failed to attach the system bus to the event loop");
    return self;
}

int ShutdownInhibitor::onPrepareForShutdown(sd_bus_message* message, void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<ShutdownInhibitor*>(userdata);
    int starting = 0;
    if (int r = sd_bus_message_read(message, "b", &starting); r < 0) {
        spdlog::warn("Failed to read logind's PrepareForShutdown: {}, ignoring", std::strerror(-r));
        return 0;
    }
    // false: a shutdown was cancelled, or one we did not wait for is done;
    // a drain already begun runs on to its exit either way.
    if (!starting) {
        spdlog::info("logind: PrepareForShutdown(false), ignoring");
        return 0;
    }
    try {
        self->onShutdown_();
    } catch (const std::exception& e) {
        spdlog::error("Handling the shutdown announcement failed: {}", e.what());
    }
    return 0;
}

}  // namespace nodeplane::daemon
