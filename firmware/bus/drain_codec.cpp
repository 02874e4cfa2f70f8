#include "bus/drain_codec.h"

#include "bus/message_strings.h"

namespace nodeplane::bus {

int appendDrain(sd_bus_message* m, const DrainStatus& d) {
    int r = sd_bus_message_open_container(m, 'r', "bbasttu");
    if (r < 0) return r;
    if ((r = sd_bus_message_append(m, "bb", d.draining, d.exiting)) < 0) return r;
    if ((r = appendStrings(m, d.reasons)) < 0) return r;
    if ((r = sd_bus_message_append(m, "ttu", d.sinceUsec, d.movedAwayUsec, d.drainSeconds)) < 0) return r;
    return sd_bus_message_close_container(m);
}

int readDrain(sd_bus_message* m, DrainStatus& d) {
    int r = sd_bus_message_enter_container(m, 'r', "bbasttu");
    if (r < 0) return r;
    // sd-bus reads a boolean into an int.
    int draining = 0;
    int exiting = 0;
    if ((r = sd_bus_message_read(m, "bb", &draining, &exiting)) < 0) return r;
    d.draining = draining;
    d.exiting = exiting;
    if ((r = readStrings(m, d.reasons)) < 0) return r;
    if ((r = sd_bus_message_read(m, "ttu", &d.sinceUsec, &d.movedAwayUsec, &d.drainSeconds)) < 0) return r;
    return sd_bus_message_exit_container(m);
}

}  // namespace nodeplane::bus
