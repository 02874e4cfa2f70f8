// What the policy action log runs with: the [policy-logging] table and the
// node's name, which every record carries (GKE's `node_name`).
#pragma once

#include <string>

#include "config/config.h"

namespace nodeplane::policylog {

struct Settings {
    config::Config::PolicyLogging logging;
    std::string nodeName;

    bool operator==(const Settings&) const = default;
};

Settings settingsFrom(const config::Config& config);

}  // namespace nodeplane::policylog
