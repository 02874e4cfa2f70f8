// Where a state handed to the daemon's one apply path came from, for its
// errors and its log line.
#pragma once

#include <chrono>
#include <string>

namespace nodeplane::daemon {

struct StateOrigin {
    std::string name;    // the snapshot path, "the API server", or the last-known snapshot's path
    std::string detail;  // "3 of 12 files parsed", "4 objects changed"
    const char* why = "";  // "start", "snapshot changed", "API change", "reload"
    // When the change was noticed: how long it waits is the apply latency.
    std::chrono::steady_clock::time_point began = std::chrono::steady_clock::now();
};

}  // namespace nodeplane::daemon
