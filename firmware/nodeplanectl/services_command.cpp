// nodeplanectl services: the frontends and backends the datapath holds, as
// the daemon reads them from the maps.
#include "nodeplanectl/command.h"
#include "nodeplanectl/services_render.h"

namespace nodeplane::ctl {
namespace {

int runServices(Context& context, std::span<const std::string> args) {
    if (refuseArguments(context, "services", args)) return kExitUsage;
    int exitCode = kExitOk;
    auto client = connectOrReport(context, exitCode);
    if (!client) return exitCode;
    auto services = client->services();
    if (!services) {
        context.err << "nodeplanectl: " << services.error().message << '\n';
        return kExitDaemonError;
    }
    if (context.output == OutputFormat::Json)
        context.out << servicesToJson(*services).dump(2) << '\n';
    else
        context.out << servicesToText(*services);
    return kExitOk;
}

}  // namespace

const Command kServicesCommand{"services", "show every service frontend the datapath holds, with its backends",
                               &runServices};

}  // namespace nodeplane::ctl
