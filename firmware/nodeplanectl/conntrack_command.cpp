// nodeplanectl conntrack list|flush: the translated flows the datapath
// tracks, and forgetting them all.
#include <nlohmann/json.hpp>

#include "nodeplanectl/command.h"
#include "nodeplanectl/conntrack_render.h"

namespace nodeplane::ctl {
namespace {

int usage(Context& context, const std::string& message) {
    context.err << "nodeplanectl: " << message << "\nTry 'nodeplanectl --help'.\n";
    return kExitUsage;
}

int list(Context& context, bus::ControlClient& client) {
    auto listing = client.conntrack();
    if (!listing) {
        context.err << "nodeplanectl: " << listing.error().message << '\n';
        return kExitDaemonError;
    }
    if (context.output == OutputFormat::Json)
        context.out << conntrackToJson(*listing).dump(2) << '\n';
    else
        context.out << conntrackToText(*listing);
    return kExitOk;
}

int flush(Context& context, bus::ControlClient& client) {
    auto removed = client.flushConntrack();
    if (!removed) {
        context.err << "nodeplanectl: " << removed.error().message << '\n';
        return kExitDaemonError;
    }
    if (context.output == OutputFormat::Json)
        context.out << nlohmann::ordered_json{{"removed", *removed}}.dump(2) << '\n';
    else
        context.out << "Flushed " << *removed << " conntrack " << (*removed == 1 ? "entry" : "entries") << '\n';
    return kExitOk;
}

int runConntrack(Context& context, std::span<const std::string> args) {
    if (args.empty()) return usage(context, "conntrack needs a subcommand: list or flush");
    const std::string& sub = args.front();
    if (sub != "list" && sub != "flush")
        return usage(context, "unknown conntrack subcommand '" + sub + "' (list or flush)");
    if (args.size() > 1) return usage(context, "conntrack " + sub + " takes no arguments, got '" + args[1] + "'");
    int exitCode = kExitOk;
    auto client = connectOrReport(context, exitCode);
    if (!client) return exitCode;
    return sub == "list" ? list(context, *client) : flush(context, *client);
}

}  // namespace

const Command kConntrackCommand{"conntrack", "show the tracked service flows (list), or forget them all (flush)",
                                &runConntrack, "list|flush"};

}  // namespace nodeplane::ctl
