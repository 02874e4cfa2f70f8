// nodeplanectl policy NAMESPACE/POD: for a pod on this node, whether it is
// isolated, the policies that select it and what its policy map allows.
#include "nodeplanectl/command.h"
#include "nodeplanectl/policy_render.h"

namespace nodeplane::ctl {
namespace {

int runPolicy(Context& context, std::span<const std::string> args) {
    if (args.size() != 1 || args[0].find('/') == std::string::npos) {
        context.err << "nodeplanectl: policy takes one pod as NAMESPACE/NAME\nTry 'nodeplanectl --help'.\n";
        return kExitUsage;
    }
    int exitCode = kExitOk;
    auto client = connectOrReport(context, exitCode);
    if (!client) return exitCode;
    auto policy = client->policy(args[0]);
    if (!policy) {
        context.err << "nodeplanectl: " << policy.error().message << '\n';
        return kExitDaemonError;
    }
    if (context.output == OutputFormat::Json)
        context.out << policyToJson(*policy).dump(2) << '\n';
    else
        context.out << policyToText(*policy);
    return kExitOk;
}

}  // namespace

const Command kPolicyCommand{"policy", "show what the policies of a pod on this node allow", &runPolicy,
                             "NAMESPACE/POD"};

}  // namespace nodeplane::ctl
