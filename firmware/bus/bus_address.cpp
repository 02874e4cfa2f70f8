#include "bus/bus_address.h"

#include <cstdio>

namespace nodeplane::bus {

std::string unixSocketAddress(const std::string& path) {
    std::string out = "unix:path=";
    for (unsigned char c : path) {
        // The D-Bus spec's "optionally escaped" bytes; everything else must be %XX.
        bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (alnum || c == '-' || c == '_' || c == '/' || c == '.' || c == '\\' || c == '*') {
            out += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02x", c);
            out += hex;
        }
    }
    return out;
}

}  // namespace nodeplane::bus
