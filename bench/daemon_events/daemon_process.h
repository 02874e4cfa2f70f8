// The real nodeplaned as a child of the benchmark, started inside a network
// namespace held by fd. It is stopped (SIGTERM, then SIGKILL) by the owner's
// destructor, and gets SIGTERM from the kernel if the benchmark dies first
// (PR_SET_PDEATHSIG), so no daemon outlives a failed run.
#pragma once

#include <sys/types.h>

#include <string>

namespace nodeplane::bench {

class DaemonProcess {
public:
    // Forks and execs `binary --config <configPath>` in the namespace
    // `netnsFd`, its output appended to `logPath`. Throws std::runtime_error
    // when it cannot fork.
    DaemonProcess(const std::string& binary, const std::string& configPath, int netnsFd, const std::string& logPath);
    ~DaemonProcess();
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    pid_t pid() const { return pid_; }
    // False once it exited (reaped here).
    bool running();
    // SIGTERM, up to 5 s for it to exit, then SIGKILL. Idempotent.
    void stop() noexcept;

private:
    pid_t pid_ = -1;
};

}  // namespace nodeplane::bench
