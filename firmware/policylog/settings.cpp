#include "policylog/settings.h"

namespace nodeplane::policylog {

Settings settingsFrom(const config::Config& config) { return Settings{config.policyLogging, config.node.name}; }

}  // namespace nodeplane::policylog
