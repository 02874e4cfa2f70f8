// nodeplanectl version: the CLI's own version; it needs no daemon.
#include <nlohmann/json.hpp>

#include "nodeplanectl/command.h"

namespace nodeplane::ctl {
namespace {

int runVersion(Context& context, std::span<const std::string> args) {
    if (refuseArguments(context, "version", args)) return kExitUsage;
    if (context.output == OutputFormat::Json)
        context.out << nlohmann::ordered_json{{"version", NODEPLANE_VERSION}}.dump(2) << '\n';
    else
        context.out << "nodeplanectl " << NODEPLANE_VERSION << '\n';
    return kExitOk;
}

}  // namespace

const Command kVersionCommand{"version", "print the version of nodeplanectl", &runVersion};

}  // namespace nodeplane::ctl
