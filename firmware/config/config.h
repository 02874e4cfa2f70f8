// The daemon's configuration (config.md): one TOML file plus PATH.d/*.toml
// drop-ins merged over it in name order. Keys are kebab-case.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/input_error.h"

namespace nodeplane::config {

enum class StateSource { Snapshot, Kubernetes };

struct Config {
    struct Node {
        std::string name;                             // default: the host name
        std::vector<std::string> externalInterfaces;  // default: the default route's interface
        bool manageSysctls = true;                    // set forwarding sysctls in our netns
    } node;

    struct State {
        StateSource source = StateSource::Snapshot;
        std::string snapshot = "/etc/nodeplane/state.toml";  // file or directory of *.toml
    } state;

    struct Kubernetes {
        std::string kubeconfig;  // empty: in-cluster service account
        std::string lastKnown = "/var/lib/nodeplane/last-known.toml";
    } kubernetes;

    struct Datapath {
        std::string bpffs = "/sys/fs/bpf/nodeplane";
        std::uint32_t maxLocalEndpoints = 65536;   // local pod addresses
        std::uint32_t maxInterfaces = 4096;        // interfaces with counters
    } datapath;

    struct Health {
        std::string listen = "0.0.0.0:10256";
    } health;

    struct Lifecycle {
        std::uint32_t drainSeconds = 30;
    } lifecycle;

    struct Control {
        std::string socket = "/run/nodeplane/control.sock";
        bool systemBus = true;  // also serve on the system bus when one runs
    } control;

    struct Log {
        std::string level = "info";  // trace|debug|info|warn|error
    } log;
};

struct LoadedConfig {
    Config config;
    std::vector<std::string> files;  // the main file, then the drop-ins applied
};

// Reads `path` and `path.d/*.toml`. On any error nothing is returned but the
// errors, each naming file, line, column and key.
struct ConfigLoadResult {
    bool ok() const { return errors.empty(); }
    LoadedConfig loaded;
    InputErrors errors;
};

ConfigLoadResult loadConfig(const std::string& path);

// Parses one TOML document's text over `base` (for tests and for drop-ins).
InputErrors applyConfigText(Config& base, const std::string& text, const std::string& fileName);

}  // namespace nodeplane::config
