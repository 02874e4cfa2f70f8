// nodeplanectl status: what the daemon is doing and what it holds.
#include "nodeplanectl/command.h"
#include "nodeplanectl/status_render.h"

namespace nodeplane::ctl {
namespace {

int runStatus(Context& context, std::span<const std::string> args) {
    if (refuseArguments(context, "status", args)) return kExitUsage;
    int exitCode = kExitOk;
    auto client = connectOrReport(context, exitCode);
    if (!client) return exitCode;
    auto status = client->status();
    if (!status) {
        context.err << "nodeplanectl: " << status.error().message << '\n';
        return kExitDaemonError;
    }
    if (context.output == OutputFormat::Json)
        context.out << statusToJson(*status).dump(2) << '\n';
    else
        context.out << statusToText(*status, std::chrono::system_clock::now());
    return kExitOk;
}

}  // namespace

const Command kStatusCommand{"status", "show the node, its applied state, interfaces, maps and counters",
                             &runStatus};

}  // namespace nodeplane::ctl
