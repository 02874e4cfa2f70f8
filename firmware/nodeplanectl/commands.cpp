#include <array>

#include "nodeplanectl/command.h"

namespace nodeplane::ctl {

std::span<const Command> commands() {
    static const std::array kCommands = {kStatusCommand, kReloadCommand, kServicesCommand, kConntrackCommand,
                                         kPolicyCommand, kIdentitiesCommand, kVersionCommand,
                                         kDrainCommand,  kUndrainCommand, kTeardownCommand, kObserveCommand,
                                         kSnapshotCommand};
    return kCommands;
}

std::optional<bus::ControlClient> connectOrReport(Context& context, int& exitCode) {
    auto client = bus::ControlClient::connect(context.target);
    if (!client) {
        context.err << "nodeplanectl: " << client.error().message << '\n';
        exitCode = kExitUnreachable;
        return std::nullopt;
    }
    return std::move(client).value();
}

bool refuseArguments(Context& context, std::string_view command, std::span<const std::string> args) {
    if (args.empty()) return false;
    context.err << "nodeplanectl: " << command << " takes no arguments, got '" << args.front()
                << "'\nTry 'nodeplanectl --help'.\n";
    return true;
}

}  // namespace nodeplane::ctl
