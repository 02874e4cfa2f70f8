// Logging: spdlog to the systemd journal (with structured fields) when stderr
// is connected to the journal, to stderr otherwise.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace nodeplane::log {

struct Options {
    std::string level = "info";  // trace|debug|info|warn|error
    std::string instance;        // NODEPLANE_NODE= field: which node this daemon is
    bool forceStderr = false;
};

// Installs the default logger. Returns false with `error` set on a bad level.
bool setup(const Options& options, std::string* error);

// True when stderr is the journal's stream for this process ($JOURNAL_STREAM).
bool stderrIsJournal();

}  // namespace nodeplane::log
