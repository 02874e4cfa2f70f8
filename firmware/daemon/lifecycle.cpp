#include "daemon/lifecycle.h"

#include <systemd/sd-daemon.h>

namespace nodeplane::daemon {

std::string_view toString(Phase phase) {
    switch (phase) {
        case Phase::Starting: return "starting";
        case Phase::Serving: return "serving";
        case Phase::Draining: return "draining";
        case Phase::Stopping: return "stopping";
    }
    return "unknown";
}

void SystemdNotifier::ready(const std::string& status) {
    if (readySent_) {
        this->status(status);
        return;
    }
    readySent_ = true;
    sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str());
}

void SystemdNotifier::status(const std::string& status) { sd_notifyf(0, "STATUS=%s", status.c_str()); }

void SystemdNotifier::stopping(const std::string& status) {
    sd_notifyf(0, "STOPPING=1\nSTATUS=%s", status.c_str());
}

void SystemdNotifier::reloading() {
    if (readySent_) sd_notify(0, "RELOADING=1");
}

void SystemdNotifier::reloaded(const std::string& status) {
    if (readySent_)
        sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str());
    else
        this->status(status);
}

}  // namespace nodeplane::daemon
