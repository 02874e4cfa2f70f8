// Running a tool (ip, mostly) from a test without a shell, optionally inside
// a network namespace, with its output kept for the failure message.
#pragma once

#include <string>
#include <vector>

namespace nodeplane::test {

struct CommandResult {
    int exitCode = -1;   // -1 when it did not exit normally
    std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] (looked up in PATH) in the namespace `netnsFd` (-1: ours).
CommandResult runCommand(const std::vector<std::string>& argv, int netnsFd = -1);

// Same, throwing std::runtime_error with the command line and its output when
// it fails, for setup steps a test cannot go on without.
std::string runOrThrow(const std::vector<std::string>& argv, int netnsFd = -1);

}  // namespace nodeplane::test
