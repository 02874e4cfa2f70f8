// nodeplanectl reload: re-read configuration and state now, as SIGHUP or
// `systemctl reload` would, but with the outcome on the terminal.
#include <nlohmann/json.hpp>

#include "nodeplanectl/command.h"

namespace nodeplane::ctl {
namespace {

int runReload(Context& context, std::span<const std::string> args) {
    if (refuseArguments(context, "reload", args)) return kExitUsage;
    int exitCode = kExitOk;
    auto client = connectOrReport(context, exitCode);
    if (!client) return exitCode;
    auto outcome = client->reload();
    if (!outcome) {
        context.err << "nodeplanectl: " << outcome.error().message << '\n';
        return kExitDaemonError;
    }
    if (context.output == OutputFormat::Json) {
        // {"applied": bool, "message": "..."}: a refusal is an answer too.
        context.out << nlohmann::ordered_json{{"applied", outcome->applied}, {"message", outcome->message}}.dump(2)
                    << '\n';
    } else if (outcome->applied) {
        context.out << "Reloaded: " << outcome->message << '\n';
    } else {
        context.err << "nodeplanectl: reload refused, the daemon keeps its current state: " << outcome->message
                    << '\n';
    }
    return outcome->applied ? kExitOk : kExitDaemonError;
}

}  // namespace

const Command kReloadCommand{"reload", "ask the daemon to re-read its configuration and state now", &runReload};

}  // namespace nodeplane::ctl
