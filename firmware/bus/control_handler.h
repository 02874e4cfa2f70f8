// What the daemon implements for the control API. Called on the daemon's
// event loop, one call at a time.
#pragma once

#include <string>

#include "bus/node_status.h"
#include "common/result.h"

namespace nodeplane::bus {

class ControlHandler {
public:
    virtual ~ControlHandler() = default;

    // A snapshot of the daemon's state; cheap enough to answer at once.
    virtual NodeStatus status() = 0;

    // Re-reads configuration and state now and applies them. The value says
    // what happened ("applied generation 8"); an Error says why the new input
    // was refused while the old state stays in force.
    virtual Result<std::string> reload() = 0;
};

}  // namespace nodeplane::bus
