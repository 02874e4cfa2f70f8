// How nodeplanectl's commands plug in: each command is one file with one
// Command value, listed once in commands.cpp.
#pragma once

#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "bus/control_client.h"

namespace nodeplane::ctl {

enum ExitCode : int {
    kExitOk = 0,
    kExitDaemonError = 1,  // the daemon answered with an error (or refused)
    kExitUsage = 2,
    kExitUnreachable = 3,  // the daemon cannot be reached; the message names the socket
};

enum class OutputFormat { Text, Json };

struct Context {
    bus::Target target;
    OutputFormat output = OutputFormat::Text;
    std::ostream& out;
    std::ostream& err;
};

struct Command {
    std::string_view name;
    std::string_view summary;  // one line for --help
    // `args` are what follows the command name, global options removed.
    int (*run)(Context& context, std::span<const std::string> args);
    std::string_view arguments = {};  // for --help: "list|flush"
};

// Every command, in the order --help lists them.
std::span<const Command> commands();

// Connects to the daemon, or prints why it cannot be reached and gives
// kExitUnreachable in `exitCode`.
std::optional<bus::ControlClient> connectOrReport(Context& context, int& exitCode);

// For commands without arguments: prints a usage error when there are some.
bool refuseArguments(Context& context, std::string_view command, std::span<const std::string> args);

// The commands (one file each).
extern const Command kStatusCommand;
extern const Command kReloadCommand;
extern const Command kServicesCommand;
extern const Command kConntrackCommand;
extern const Command kPolicyCommand;
extern const Command kIdentitiesCommand;
extern const Command kVersionCommand;
extern const Command kDrainCommand;
extern const Command kUndrainCommand;
extern const Command kTeardownCommand;
extern const Command kObserveCommand;
extern const Command kSnapshotCommand;

}  // namespace nodeplane::ctl
