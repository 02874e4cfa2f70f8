#include "symbolic_cidr.h"

#include <charconv>

namespace nodeplane::netpol {

using nlohmann::json;

namespace {

// "podIP(<id>)" at the start of `text`: the pod's address, and how much of
// `text` it used.
Result<std::pair<IpAddress, std::size_t>> podIpAt(std::string_view text, const PodIps& ips) {
    constexpr std::string_view kOpen = "podIP(";
    if (!text.starts_with(kOpen)) return Error::logical("expected podIP(<namespace>/<pod>)");
    auto close = text.find(')');
    if (close == std::string_view::npos) return Error::logical("podIP( has no closing parenthesis");
    std::string id(text.substr(kOpen.size(), close - kOpen.size()));
    auto it = ips.find(id);
    if (it == ips.end()) return Error::logical("no IP for pod '" + id + "'");
    return std::pair{it->second, close + 1};
}

// The network of `length` bits that holds `ip`, as "a.b.c.d/len".
std::string networkOf(IpAddress ip, int length) {
    for (int bit = length; bit < ip.bitLength(); ++bit) ip.bytes[static_cast<std::size_t>(bit / 8)] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    return ip.toString() + "/" + std::to_string(length);
}

Result<std::string> resolveNet(std::string_view text, const PodIps& ips) {
    auto open = text.find('(');
    int length = -1;
    auto digits = text.substr(3, open - 3);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return Error::logical("expected net<N>(podIP(...))");
    auto inner = podIpAt(text.substr(open + 1), ips);
    if (!inner) return inner.error();
    auto [ip, used] = *inner;
    if (open + 1 + used + 1 != text.size() || text.back() != ')') return Error::logical("expected net<N>(podIP(...))");
    if (length < 0 || length > ip.bitLength()) return Error::logical("prefix length " + std::to_string(length) + " is out of range");
    return networkOf(ip, length);
}

Result<std::string> resolveHostRoute(std::string_view text, const PodIps& ips) {
    auto pod = podIpAt(text, ips);
    if (!pod) return pod.error();
    auto [ip, used] = *pod;
    auto rest = text.substr(used);
    // A host route: the case writes /32 (upstream's IPv4 spelling); an IPv6 pod gets /128.
    if (rest != "/32" && rest != "/128") return Error::logical("expected /32 or /128 after podIP(...)");
    return ip.toString() + "/" + std::to_string(ip.bitLength());
}

Result<json> resolveBlock(const json& block, const PodIps& ips, const std::string& where) {
    json out = block;
    if (!block.is_object()) return Error::logical(where + ": expected an object");
    auto resolveOne = [&](json& value, const std::string& at) -> Status {
        if (!value.is_string()) return Error::logical(at + ": expected a string");
        auto real = resolveCidr(value.get<std::string>(), ips);
        if (!real) return Error::logical(at + ": '" + value.get<std::string>() + "': " + real.error().message);
        value = *real;
        return {};
    };
    if (out.contains("cidr"))
        if (auto done = resolveOne(out["cidr"], where + ".cidr"); !done) return done.error();
    if (out.contains("except")) {
        if (!out["except"].is_array()) return Error::logical(where + ".except: expected an array");
        for (std::size_t i = 0; i < out["except"].size(); ++i)
            if (auto done = resolveOne(out["except"][i], where + ".except[" + std::to_string(i) + "]"); !done)
                return done.error();
    }
    return out;
}

// Walks the policy; every object member named ipBlock is a NetworkPolicy
// IPBlock (the name is used nowhere else in the API).
Result<json> resolveWalk(const json& value, const PodIps& ips, const std::string& where) {
    if (value.is_array()) {
        json out = json::array();
        for (std::size_t i = 0; i < value.size(); ++i) {
            auto item = resolveWalk(value[i], ips, where + "[" + std::to_string(i) + "]");
            if (!item) return item.error();
            out.push_back(std::move(*item));
        }
        return out;
    }
    if (!value.is_object()) return value;
    json out = json::object();
    for (const auto& [key, member] : value.items()) {
        auto resolved = key == "ipBlock" ? resolveBlock(member, ips, where + "." + key)
                                         : resolveWalk(member, ips, where + "." + key);
        if (!resolved) return resolved.error();
        out[key] = std::move(*resolved);
    }
    return out;
}

}  // namespace

Result<std::string> resolveCidr(std::string_view text, const PodIps& ips) {
    if (text.starts_with("net") && text.find('(') != std::string_view::npos) return resolveNet(text, ips);
    if (text.starts_with("podIP(")) return resolveHostRoute(text, ips);
    if (!IpPrefix::parse(text, /*allowHostBits=*/true))
        return Error::logical("neither a CIDR nor podIP(<pod>)/32 nor net<N>(podIP(<pod>))");
    return std::string(text);
}

Result<json> resolvePolicyCidrs(const json& policy, const PodIps& ips, const std::string& where) {
    return resolveWalk(policy, ips, where);
}

}  // namespace nodeplane::netpol
