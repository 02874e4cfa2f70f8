// String arrays ("as") in sd-bus messages, and the error for a reply of
// another version, for the codecs.
#pragma once

#include <systemd/sd-bus.h>

#include <string>
#include <vector>

#include "common/result.h"

namespace nodeplane::bus {

// sd_bus_message_append_strv takes char**; the strings are only read.
inline int appendStrings(sd_bus_message* m, const std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (const auto& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
    pointers.push_back(nullptr);
    return sd_bus_message_append_strv(m, pointers.data());
}

inline int readStrings(sd_bus_message* m, std::vector<std::string>& strings) {
    int r = sd_bus_message_enter_container(m, 'a', "s");
    if (r < 0) return r;
    const char* s = nullptr;
    while ((r = sd_bus_message_read(m, "s", &s)) > 0) strings.emplace_back(s);
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

// A reply whose signature is not the one this build reads: the daemon and
// nodeplanectl come from different versions.
inline Error versionMismatch(sd_bus_message* m, const char* what, const char* expected) {
    return Error::logical(std::string("The daemon's ") + what + " have signature '" +
                          sd_bus_message_get_signature(m, 1) + "', expected '" + expected +
                          "': nodeplanectl and nodeplaned differ in version");
}

}  // namespace nodeplane::bus
