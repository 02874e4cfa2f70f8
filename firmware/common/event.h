// Owners for sd-event objects. Disabling a source before unreffing it matters:
// a source that is merely unreffed while a dispatch holds a reference could
// still fire into a destroyed owner.
#pragma once

#include <systemd/sd-event.h>

#include <utility>

#include "common/c_handle.h"

namespace nodeplane {

using EventLoopPtr = CHandle<sd_event, sd_event_unref>;
using EventSourcePtr = CHandle<sd_event_source, sd_event_source_disable_unref>;

// Microseconds on CLOCK_MONOTONIC `delayUsec` from now, for sd_event timers.
inline uint64_t monotonicDeadline(sd_event* loop, uint64_t delayUsec) {
    uint64_t now = 0;
    sd_event_now(loop, CLOCK_MONOTONIC, &now);
    return now + delayUsec;
}

}  // namespace nodeplane
