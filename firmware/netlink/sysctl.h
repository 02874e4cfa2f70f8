// Kernel parameters under /proc/sys. Everything under /proc/sys/net belongs
// to the network namespace of the process that opens the file, so a daemon
// running in a node's namespace sets that node's values and nobody else's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace nodeplane::netlink {

// A sysctl as path components under /proc/sys. Interface names may contain
// dots ("eth0.100"), so a per-interface key is built from explicit parts
// instead of from a dotted string.
class SysctlKey {
public:
    // "net.ipv4.ip_forward" (dots separate components), or, as sysctl(8)
    // accepts, "net/ipv4/conf/eth0.100/rp_filter" (slashes separate, dots are
    // literal). Empty, "." and ".." components are refused.
    static Result<SysctlKey> parse(std::string_view key);
    // {"net/ipv4/conf", "eth0.100", "rp_filter"}: `base` is slash-separated,
    // `ifname` one component checked as the kernel checks interface names.
    static Result<SysctlKey> perInterface(std::string_view base, std::string_view ifname, std::string_view leaf);

    // "net/ipv4/conf/eth0.100/rp_filter": relative to /proc/sys.
    std::string path() const;

    bool operator==(const SysctlKey&) const = default;

private:
    std::vector<std::string> components_;
};

// Reads and writes sysctls below `root` (/proc/sys; a scratch directory in tests).
class Sysctls {
public:
    explicit Sysctls(std::string root = "/proc/sys") : root_(std::move(root)) {}

    // Writes `value`, then reads it back: the kernel may accept a write and
    // keep another value (clamped ranges, read-only in this namespace).
    // `value` must be in the kernel's canonical form ("1", not "01").
    Status set(const SysctlKey& key, std::string_view value) const;
    // The value without its trailing newline.
    Result<std::string> get(const SysctlKey& key) const;

private:
    std::string root_;
};

// Sysctls().set() of a dotted or slashed key, for one-off settings.
Status setSysctl(std::string_view key, std::string_view value);

struct SysctlSetting {
    SysctlKey key;
    std::string value;
    // Tolerate a key that does not exist (ENOENT), with a notice: the net/ipv6
    // tree is absent on nodes booted with ipv6.disable=1, which must still run IPv4.
    bool skipIfMissing = false;
};

// What the node's namespace needs once: forwarding for both families.
Result<std::vector<SysctlSetting>> nodeSysctls();
// What each pod's host end needs, set as soon as the interface appears.
Result<std::vector<SysctlSetting>> hostEndSysctls(std::string_view ifname);

// Sets each in order; stops at the first failure that is not tolerated.
Status applySysctls(const Sysctls& sysctls, const std::vector<SysctlSetting>& settings);

}  // namespace nodeplane::netlink
