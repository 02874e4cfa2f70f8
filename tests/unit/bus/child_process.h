// Runs a function in a forked child as another user while the test thread
// keeps serving on its sd-event loop; the child's report comes back through
// a pipe. For root tests only (setuid).
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/wait.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>

#include "common/unique_fd.h"

namespace nodeplane::bus::test {

constexpr uid_t kNobody = 65534;

// The child's report, or "child failed: ..." when it could not run.
inline std::string runAsUser(sd_event* event, uid_t uid, const std::function<std::string()>& body) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return "child failed: pipe";
    UniqueFd readEnd(fds[0]), writeEnd(fds[1]);
    pid_t pid = ::fork();
    if (pid < 0) return "child failed: fork";
    if (pid == 0) {
        readEnd.reset();
        std::string report;
        if (::setgroups(0, nullptr) != 0 || ::setgid(uid) != 0 || ::setuid(uid) != 0)
            report = "child failed: cannot become uid " + std::to_string(uid);
        else
            report = body();
        (void)!::write(writeEnd.get(), report.data(), report.size());
        ::_exit(0);
    }
    writeEnd.reset();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return "child failed: timed out";
        }
        sd_event_run(event, 20'000);
    }
    std::string report;
    char buf[1024];
    ssize_t n;
    while ((n = ::read(readEnd.get(), buf, sizeof buf)) > 0) report.append(buf, static_cast<size_t>(n));
    return report;
}

}  // namespace nodeplane::bus::test
