// nodeplanectl identities: the policy identities the datapath knows and the
// labels each stands for.
#include "nodeplanectl/command.h"
#include "nodeplanectl/policy_render.h"

namespace nodeplane::ctl {
namespace {

int runIdentities(Context& context, std::span<const std::string> args) {
    if (refuseArguments(context, "identities", args)) return kExitUsage;
    int exitCode = kExitOk;
    auto client = connectOrReport(context, exitCode);
    if (!client) return exitCode;
    auto identities = client->identities();
    if (!identities) {
        context.err << "nodeplanectl: " << identities.error().message << '\n';
        return kExitDaemonError;
    }
    if (context.output == OutputFormat::Json)
        context.out << identitiesToJson(*identities).dump(2) << '\n';
    else
        context.out << identitiesToText(*identities);
    return kExitOk;
}

}  // namespace

const Command kIdentitiesCommand{"identities", "list the policy identities and the labels each stands for",
                                 &runIdentities};

}  // namespace nodeplane::ctl
