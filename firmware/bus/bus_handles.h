// Owners for the sd-bus and sd-event handles this module holds.
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "common/c_handle.h"

namespace nodeplane::bus {

// Closed without flushing: a peer that stopped reading must not hold up the
// daemon's exit, and the client's calls are synchronous, so nothing is queued.
using BusPtr = CHandle<sd_bus, sd_bus_close_unref>;
using MessagePtr = CHandle<sd_bus_message, sd_bus_message_unref>;
using EventSourcePtr = CHandle<sd_event_source, sd_event_source_disable_unref>;

// An sd_bus_error that frees itself. (SD_BUS_ERROR_NULL is a C compound
// literal; value-initialisation is the same empty error.)
class BusError {
public:
    BusError() = default;
    ~BusError() { sd_bus_error_free(&error_); }
    BusError(const BusError&) = delete;
    BusError& operator=(const BusError&) = delete;

    sd_bus_error* get() { return &error_; }
    bool isSet() const { return sd_bus_error_is_set(&error_) > 0; }
    bool hasName(const char* name) const { return sd_bus_error_has_name(&error_, name) > 0; }
    const char* name() const { return error_.name ? error_.name : ""; }
    const char* message() const { return error_.message ? error_.message : ""; }

private:
    sd_bus_error error_{};
};

}  // namespace nodeplane::bus
