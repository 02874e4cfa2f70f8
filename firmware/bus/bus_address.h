// D-Bus addresses (the "unix:path=..." form sd_bus_set_address takes).
#pragma once

#include <string>

namespace nodeplane::bus {

// "unix:path=/run/nodeplane/control.sock", with the bytes the D-Bus
// specification does not allow unescaped written as %XX.
std::string unixSocketAddress(const std::string& path);

}  // namespace nodeplane::bus
