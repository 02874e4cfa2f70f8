#include "daemon_events/daemon_process.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace nodeplane::bench {
namespace {

// The daemon drains (drain-seconds = 0 in the bench's config) and unpins
// nothing on SIGTERM; a few seconds is plenty, more means it hangs.
constexpr auto kStopTimeout = std::chrono::seconds(5);
constexpr auto kStopPoll = std::chrono::milliseconds(20);

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void execDaemon(const std::string& binary, const std::string& configPath, int netnsFd,
                             const std::string& logPath) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::setns(netnsFd, CLONE_NEWNET) != 0) ::_exit(126);
    const int log = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log >= 0) {
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
    }
    const char* argv[] = {binary.c_str(), "--config", configPath.c_str(), nullptr};
    ::execv(binary.c_str(), const_cast<char* const*>(argv));
    ::_exit(127);
}

}  // namespace

DaemonProcess::DaemonProcess(const std::string& binary, const std::string& configPath, int netnsFd,
                             const std::string& logPath) {
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid_ == 0) execDaemon(binary, configPath, netnsFd, logPath);
}

DaemonProcess::~DaemonProcess() { stop(); }

bool DaemonProcess::running() {
    if (pid_ < 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

void DaemonProcess::stop() noexcept {
    if (!running()) return;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
    while (running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(kStopPoll);
    if (!running()) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

}  // namespace nodeplane::bench
