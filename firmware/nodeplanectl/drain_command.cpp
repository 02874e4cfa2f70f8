// nodeplanectl drain [--wait] / undrain: take the node out of load balancers
// by hand (/healthz 503, forwarding continues, the daemon keeps running and
// stays drained across restarts) and put it back.
#include <chrono>
#include <thread>

#include "nodeplanectl/command.h"
#include "nodeplanectl/drain_render.h"

namespace nodeplane::ctl {
namespace {

using std::chrono::system_clock;

void printOutcome(Context& context, const bus::DrainOutcome& outcome) {
    if (context.output == OutputFormat::Json) {
        context.out << nlohmann::ordered_json{{"message", outcome.message}, {"drain", drainToJson(outcome.drain)}}
                           .dump(2)
                    << '\n';
        return;
    }
    context.out << outcome.message << '\n'
                << "Drain: " << drainToText(outcome.drain, system_clock::now()) << '\n';
}

int runDrain(Context& context, std::span<const std::string> args) {
    bool wait = false;
    for (const auto& arg : args) {
        if (arg != "--wait") {
            context.err << "nodeplanectl: drain takes only --wait, got '" << arg
                        << "'\nTry 'nodeplanectl --help'.\n";
            return kExitUsage;
        }
        wait = true;
    }
    int exitCode = kExitOk;
    auto client = connectOrReport(context, exitCode);
    if (!client) return exitCode;
    auto outcome = client->drain();
    if (!outcome) {
        context.err << "nodeplanectl: " << outcome.error().message << '\n';
        return kExitDaemonError;
    }
    printOutcome(context, *outcome);
    if (wait && outcome->drain.draining) {
        // The daemon cannot know when load balancers have acted; this waits
        // out the time they were given ([lifecycle] drain-seconds).
        const auto until = system_clock::time_point{std::chrono::microseconds{outcome->drain.movedAwayUsec}};
        std::this_thread::sleep_until(until);
        if (context.output == OutputFormat::Text)
            context.out << "Drain-seconds have passed: load balancers should have moved away.\n";
    }
    return kExitOk;
}

int runUndrain(Context& context, std::span<const std::string> args) {
    if (refuseArguments(context, "undrain", args)) return kExitUsage;
    int exitCode = kExitOk;
    auto client = connectOrReport(context, exitCode);
    if (!client) return exitCode;
    auto outcome = client->undrain();
    if (!outcome) {
        context.err << "nodeplanectl: " << outcome.error().message << '\n';
        return kExitDaemonError;
    }
    printOutcome(context, *outcome);
    return kExitOk;
}

}  // namespace

const Command kDrainCommand{"drain",
                            "fail /healthz so load balancers move away; forwarding continues until undrain",
                            &runDrain, "[--wait]"};
const Command kUndrainCommand{"undrain", "end a manual drain: /healthz healthy again", &runUndrain};

}  // namespace nodeplane::ctl
