#include "support/command.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/unique_fd.h"

namespace nodeplane::test {

CommandResult runCommand(const std::vector<std::string>& argv, int netnsFd) {
    CommandResult result;
    if (argv.empty()) return result;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        result.output = std::string("pipe: ") + std::strerror(errno);
        return result;
    }
    UniqueFd readEnd(fds[0]), writeEnd(fds[1]);

    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    pid_t pid = ::fork();
    if (pid < 0) {
        result.output = std::string("fork: ") + std::strerror(errno);
        return result;
    }
    if (pid == 0) {
        // Child: only async-signal-safe calls until exec.
        if (netnsFd >= 0 && ::setns(netnsFd, CLONE_NEWNET) != 0) ::_exit(126);
        ::dup2(writeEnd.get(), STDOUT_FILENO);
        ::dup2(writeEnd.get(), STDERR_FILENO);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    writeEnd.reset();
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(readEnd.get(), buf, sizeof buf);
        if (n > 0) {
            result.output.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        break;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
    return result;
}

std::string runOrThrow(const std::vector<std::string>& argv, int netnsFd) {
    auto result = runCommand(argv, netnsFd);
    if (result.exitCode != 0) {
        std::string line;
        for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
        throw std::runtime_error("'" + line + "' failed (exit " + std::to_string(result.exitCode) +
                                 "): " + result.output);
    }
    return result.output;
}

}  // namespace nodeplane::test
