#include "netlink/sysctl.h"

#include <fcntl.h>
#include <net/if.h>
#include <unistd.h>

#include <cctype>

#include "common/log.h"
#include "common/unique_fd.h"

namespace nodeplane::netlink {
namespace {

// Longest value we read back; sysctls under net are short numbers.
constexpr std::size_t kMaxValueBytes = 4096;

bool validComponent(std::string_view part) { return !part.empty() && part != "." && part != ".."; }

Result<std::vector<std::string>> split(std::string_view text, char separator, std::string_view whole) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        std::size_t end = text.find(separator, start);
        std::size_t length = end == std::string_view::npos ? std::string_view::npos : end - start;
        std::string_view part = text.substr(start, length);
        if (!validComponent(part)) return Error{EINVAL, "invalid sysctl key '" + std::string(whole) + "'"};
        parts.emplace_back(part);
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

// As the kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':'
// or whitespace.
bool validInterfaceName(std::string_view name) {
    if (name.empty() || name.size() >= IFNAMSIZ || name == "." || name == "..") return false;
    for (char c : name)
        if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c))) return false;
    return true;
}

std::string_view trimNewline(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
    return text;
}

}  // namespace

Result<SysctlKey> SysctlKey::parse(std::string_view key) {
    auto parts = split(key, key.find('/') != std::string_view::npos ? '/' : '.', key);
    if (!parts) return parts.error();
    SysctlKey out;
    out.components_ = std::move(parts).value();
    return out;
}

Result<SysctlKey> SysctlKey::perInterface(std::string_view base, std::string_view ifname, std::string_view leaf) {
    if (!validInterfaceName(ifname)) return Error{EINVAL, "invalid interface name '" + std::string(ifname) + "'"};
    auto baseParts = split(base, '/', base);
    if (!baseParts) return baseParts.error();
    auto leafParts = split(leaf, '/', leaf);
    if (!leafParts) return leafParts.error();
    SysctlKey out;
    out.components_ = std::move(baseParts).value();
    out.components_.emplace_back(ifname);
    for (std::string& part : *leafParts) out.components_.push_back(std::move(part));
    return out;
}

std::string SysctlKey::path() const {
    std::string out;
    for (const std::string& part : components_) {
        if (!out.empty()) out += '/';
        out += part;
    }
    return out;
}

Result<std::string> Sysctls::get(const SysctlKey& key) const {
    std::string file = root_ + "/" + key.path();
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return Error::fromErrno(errno, "Failed to read sysctl " + key.path());
    std::string value(kMaxValueBytes, '\0');
    ssize_t n;
    do {
        n = ::read(fd.get(), value.data(), value.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) return Error::fromErrno(errno, "Failed to read sysctl " + key.path());
    value.resize(static_cast<std::size_t>(n));
    return std::string(trimNewline(value));
}

Status Sysctls::set(const SysctlKey& key, std::string_view value) const {
    std::string file = root_ + "/" + key.path();
    std::string what = "Failed to set sysctl " + key.path() + " to '" + std::string(value) + "'";
    {
        // O_TRUNC as sysctl(8) opens; no O_CREAT: a missing key is an error.
        UniqueFd fd(::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
        if (!fd.valid()) return Error::fromErrno(errno, what);
        ssize_t n;
        do {
            n = ::write(fd.get(), value.data(), value.size());
        } while (n < 0 && errno == EINTR);
        if (n < 0) return Error::fromErrno(errno, what);
        if (static_cast<std::size_t>(n) != value.size()) return Error{EIO, what + ": short write"};
    }
    auto readBack = get(key);
    if (!readBack) return Error{readBack.error().errnum, what + ": " + readBack.error().message};
    if (*readBack != trimNewline(value)) return Error{EIO, what + ": the kernel kept '" + *readBack + "'"};
    return {};
}

Status setSysctl(std::string_view key, std::string_view value) {
    auto parsed = SysctlKey::parse(key);
    if (!parsed) return parsed.error();
    return Sysctls().set(*parsed, value);
}

Result<std::vector<SysctlSetting>> nodeSysctls() {
    std::vector<SysctlSetting> out;
    // Pods reach other nodes, the outside and Services through this namespace:
    // it routes between the pods' host ends and the external interfaces.
    // Writing ip_forward also sets conf/all and conf/default forwarding, so host
    // ends created later forward too.
    auto forward4 = SysctlKey::parse("net.ipv4.ip_forward");
    if (!forward4) return forward4.error();
    out.push_back({std::move(forward4).value(), "1", false});
    // IPv6 forwarding is one switch for the namespace (ip6_forward() checks
    // conf/all); setting "all" also sets "default".
    auto forward6 = SysctlKey::parse("net.ipv6.conf.all.forwarding");
    if (!forward6) return forward6.error();
    out.push_back({std::move(forward6).value(), "1", true});
    return out;
}

Result<std::vector<SysctlSetting>> hostEndSysctls(std::string_view ifname) {
    std::vector<SysctlSetting> out;
    // Reverse-path filtering off on the host end: a pod can send before the
    // daemon has installed its /32 route (the route follows the link event),
    // and with rp_filter 1 (strict) or 2 (loose) the stack silently drops
    // those packets until it has. The kernel applies max(conf/all, conf/<if>);
    // if an operator set all=1, pods still pass once their host route exists,
    // as that route points back out of this very interface.
    //
    // Deliberately not set: proxy_arp (the pod holds a permanent neighbour
    // entry for its gateway 169.254.1.1 / fe80::1, see snapshot.md, so the
    // host end never has to answer for it), and per-interface forwarding
    // (inherited from the node-wide switch in nodeSysctls()).
    auto rpFilter = SysctlKey::perInterface("net/ipv4/conf", ifname, "rp_filter");
    if (!rpFilter) return rpFilter.error();
    out.push_back({std::move(rpFilter).value(), "0", false});
    return out;
}

Status applySysctls(const Sysctls& sysctls, const std::vector<SysctlSetting>& settings) {
    for (const SysctlSetting& setting : settings) {
        Status status = sysctls.set(setting.key, setting.value);
        if (status) continue;
        if (setting.skipIfMissing && status.error().errnum == ENOENT) {
            spdlog::info("Sysctl {} does not exist here, skipping", setting.key.path());
            continue;
        }
        return status;
    }
    return {};
}

}  // namespace nodeplane::netlink
