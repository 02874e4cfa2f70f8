// nodeplaned: reads the configuration, sets up logging and runs the daemon.
// Everything else lives in the modules; this file only wires them.
#include <getopt.h>
#include <sysexits.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>

#include "common/log.h"
#include "compiler/services.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "datapath/libbpf_log.h"
#include "datapath/map_migration_refusal.h"
#include "state/snapshot_loader.h"

namespace {

constexpr const char* kDefaultConfig = "/etc/nodeplane/nodeplane.toml";

void usage(FILE* out) {
    std::fprintf(out,
                 "Usage: nodeplaned [--config PATH] [--check-config] [--check-snapshot PATH] [--version]\n"
                 "  --config PATH          configuration file (default %s); PATH.d/*.toml are merged over it\n"
                 "  --check-config         validate the configuration and exit (0: valid)\n"
                 "  --check-snapshot PATH  validate a snapshot file or directory and exit (0: valid)\n"
                 "  --version        print the version and exit\n",
                 kDefaultConfig);
}

}  // namespace

int main(int argc, char** argv) {
    std::string configPath = kDefaultConfig;
    bool checkOnly = false;
    std::string snapshotToCheck;
    static const option kOptions[] = {{"config", required_argument, nullptr, 'c'},
                                      {"check-config", no_argument, nullptr, 'k'},
                                      {"check-snapshot", required_argument, nullptr, 's'},
                                      {"version", no_argument, nullptr, 'V'},
                                      {"help", no_argument, nullptr, 'h'},
                                      {nullptr, 0, nullptr, 0}};
    for (int opt; (opt = getopt_long(argc, argv, "c:h", kOptions, nullptr)) != -1;) {
        switch (opt) {
            case 'c': configPath = optarg; break;
            case 'k': checkOnly = true; break;
            case 's': snapshotToCheck = optarg; break;
            case 'V': std::printf("nodeplaned %s\n", NODEPLANE_VERSION); return 0;
            case 'h': usage(stdout); return 0;
            default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }

    if (!snapshotToCheck.empty()) {
        // For operators and image builds: the same validation a reload does.
        auto snapshot = nodeplane::state::loadSnapshot(snapshotToCheck);
        if (!snapshot.ok()) {
            std::fprintf(stderr, "%s\n", nodeplane::formatInputErrors(snapshot.errors).c_str());
            return 1;
        }
        // What the compiler refuses at apply time (SCTP service ports, the
        // default capacity) is refused here too.
        auto services = nodeplane::compiler::compileServices(snapshot.model, {});
        if (!services.ok()) {
            for (auto& e : services.errors)
                if (e.file.empty()) e.file = snapshotToCheck;
            std::fprintf(stderr, "%s\n", nodeplane::formatInputErrors(services.errors).c_str());
            return 1;
        }
        std::printf("%s: valid snapshot for node %s\n", snapshotToCheck.c_str(), snapshot.model.node.c_str());
        return 0;
    }

    auto loaded = nodeplane::config::loadConfig(configPath);
    if (!loaded.ok()) {
        // Configuration errors at start are logged once and exit with
        // EX_CONFIG: the unit does not restart on it (RestartPreventExitStatus),
        // so `systemctl status` keeps showing this run's error, and systemd
        // reports the result as a configuration problem.
        std::fprintf(stderr, "nodeplaned: configuration refused:\n%s\n",
                     nodeplane::formatInputErrors(loaded.errors).c_str());
        return EX_CONFIG;
    }
    if (checkOnly) {
        std::printf("%s: valid\n", configPath.c_str());
        return 0;
    }
    const auto& cfg = loaded.loaded.config;
    std::string logError;
    if (!nodeplane::log::setup({.level = cfg.log.level, .instance = cfg.node.name}, &logError)) {
        std::fprintf(stderr, "nodeplaned: %s\n", logError.c_str());
        return 1;
    }
    // Verifier and libbpf messages go to the same log, with the same levels.
    nodeplane::datapath::routeLibbpfLogs();
    spdlog::info("nodeplaned {} starting: node {}, configuration {}", NODEPLANE_VERSION, cfg.node.name, configPath);

    auto daemon = nodeplane::daemon::Daemon::create(std::move(loaded.loaded), configPath);
    if (!daemon) {
        spdlog::error("Failed to start: {}", daemon.error().message);
        // A pinned datapath this version will not adopt: restarting cannot
        // change it, so EX_CONFIG keeps the unit from looping
        // (RestartPreventExitStatus=78) while that datapath forwards.
        return nodeplane::datapath::isLayoutRefusal(daemon.error()) ? EX_CONFIG : 1;
    }
    int rc = (*daemon)->run();
    spdlog::info("nodeplaned stopped");
    return rc;
}
