// The names of the control API. They are a contract with scripts and with
// the D-Bus policy file (systemd/org.nodeplane.Control1.conf).
#pragma once

namespace nodeplane::bus {

inline constexpr const char* kBusName = "org.nodeplane.Control1";
inline constexpr const char* kObjectPath = "/org/nodeplane/Control1";
inline constexpr const char* kInterface = "org.nodeplane.Control1";

// Reload() answers with this error when the new configuration or state is
// refused; the daemon keeps running on what it had.
inline constexpr const char* kErrorReloadRefused = "org.nodeplane.Error.ReloadRefused";
// Undrain() answers with this while the daemon drains to exit (stop,
// shutdown, node deleting): an undrain cannot cancel that.
inline constexpr const char* kErrorUndrainRefused = "org.nodeplane.Error.UndrainRefused";

inline constexpr const char* kDefaultSocketPath = "/run/nodeplane/control.sock";

}  // namespace nodeplane::bus
