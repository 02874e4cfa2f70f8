// nodeplanectl teardown: removes the pinned datapath of this node, which a
// stopped daemon leaves forwarding on purpose. Refused while the daemon
// answers: it would attach everything again, and a datapath under a running
// daemon is not the operator's to pull.
#include <bpf/libbpf.h>
#include <unistd.h>

#include "config/config.h"
#include "datapath/teardown.h"
#include "nodeplanectl/command.h"

namespace nodeplane::ctl {
namespace {

constexpr const char* kDefaultConfig = "/etc/nodeplane/nodeplane.toml";

struct TeardownArgs {
    std::string config = kDefaultConfig;
    bool force = false;
};

int usage(Context& context, const std::string& message) {
    context.err << "nodeplanectl: teardown: " << message
                << "\nUsage: nodeplanectl teardown [--config PATH] [--force]\n";
    return kExitUsage;
}

std::optional<TeardownArgs> parse(Context& context, std::span<const std::string> args, int& exitCode) {
    TeardownArgs parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--force") {
            parsed.force = true;
        } else if (arg == "--config" && i + 1 < args.size()) {
            parsed.config = args[++i];
        } else if (arg.rfind("--config=", 0) == 0) {
            parsed.config = arg.substr(9);
        } else {
            exitCode = usage(context, "unexpected argument '" + arg + "'");
            return std::nullopt;
        }
    }
    return parsed;
}

int runTeardown(Context& context, std::span<const std::string> args) {
    int exitCode = kExitOk;
    auto parsed = parse(context, args, exitCode);
    if (!parsed) return exitCode;
    if (::geteuid() != 0) {
        context.err << "nodeplanectl: teardown needs root (pinned objects and tc filters are root's)\n";
        return kExitDaemonError;
    }
    auto loaded = config::loadConfig(parsed->config);
    if (!loaded.ok()) {
        context.err << "nodeplanectl: teardown: cannot read the configuration:\n"
                    << formatInputErrors(loaded.errors) << '\n';
        return kExitUsage;
    }
    const auto& cfg = loaded.loaded.config;

    // The configuration's socket, unless --socket named another one.
    bus::Target target = context.target;
    if (!target.systemBus && target.socketPath == bus::kDefaultSocketPath) target.socketPath = cfg.control.socket;
    if (auto daemon = bus::ControlClient::connect(target); daemon.ok()) {
        if (!parsed->force) {
            context.err << "nodeplanectl: teardown refused: nodeplaned answers on " << target.describe()
                        << "; stop it first (systemctl stop nodeplane), or pass --force to remove the datapath "
                           "under it\n";
            return kExitDaemonError;
        }
        context.err << "nodeplanectl: teardown: nodeplaned answers on " << target.describe()
                    << ", removing the datapath anyway (--force)\n";
    }

    // Interfaces without a clsact qdisc make libbpf print the kernel's
    // complaint; the answers come back as values, and say more.
    ::libbpf_set_print(nullptr);
    auto report = datapath::teardownDatapath(cfg.datapath.bpffs);
    if (!report) {
        context.err << "nodeplanectl: teardown: " << report.error().message << '\n';
        return kExitDaemonError;
    }
    for (const auto& line : report->removed) context.out << line << '\n';
    for (const auto& line : report->kept) context.out << line << '\n';
    if (report->removed.empty())
        context.out << "Nothing to tear down: no nodeplane datapath under " << cfg.datapath.bpffs
                    << " or attached in this network namespace\n";
    return kExitOk;
}

}  // namespace

// --config PATH is in the summary: the synopsis column is as wide as the
// widest synopsis, and this one would widen it for every command.
const Command kTeardownCommand{"teardown",
                               "remove the pinned datapath (--config PATH: whose); refused while the daemon runs",
                               &runTeardown, "[--force]"};

}  // namespace nodeplane::ctl
