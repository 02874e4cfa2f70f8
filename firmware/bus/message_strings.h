// String arrays ("as") in sd-bus messages, for the codecs.
#pragma once

#include <systemd/sd-bus.h>

#include <string>
#include <vector>

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

}  // namespace nodeplane::bus
