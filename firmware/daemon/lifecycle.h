// The daemon's phases (design: starting -> serving -> draining -> stopped) and
// what systemd is told about them through sd_notify.
#pragma once

#include <string>
#include <string_view>

namespace nodeplane::daemon {

enum class Phase { Starting, Serving, Draining, Stopping };

std::string_view toString(Phase phase);

// sd_notify wrapper: a no-op when not started by systemd ($NOTIFY_SOCKET unset).
class SystemdNotifier {
public:
    // READY=1 goes out once, the first time the daemon serves.
    void ready(const std::string& status);
    void status(const std::string& status);
    void stopping(const std::string& status);
    // RELOADING=1 ... READY=1 around a reload, as systemd's reload protocol
    // expects; both only once the daemon is ready (a reload while starting
    // must not announce readiness).
    void reloading();
    void reloaded(const std::string& status);
    bool readySent() const { return readySent_; }

private:
    bool readySent_ = false;
};

}  // namespace nodeplane::daemon
