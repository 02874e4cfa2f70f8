// A private dbus-daemon configured like Debian's system bus (default deny for
// method calls and names) plus the project's policy file, reached through
// $DBUS_SYSTEM_BUS_ADDRESS so sd_bus_open_system() finds it. The host's own
// system bus is never touched.
#pragma once

#include <string>
#include <sys/types.h>

namespace nodeplane::bus::test {

class PrivateSystemBus {
public:
    // `dir` holds the configuration and the socket; `policyFile` is included.
    PrivateSystemBus(const std::string& dir, const std::string& policyFile);
    ~PrivateSystemBus();
    PrivateSystemBus(const PrivateSystemBus&) = delete;
    PrivateSystemBus& operator=(const PrivateSystemBus&) = delete;

    bool running() const { return error_.empty(); }
    const std::string& error() const { return error_; }

private:
    pid_t pid_ = -1;
    std::string error_;
};

}  // namespace nodeplane::bus::test
