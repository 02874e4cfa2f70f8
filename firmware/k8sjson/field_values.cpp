#include <algorithm>

#include "k8sjson/readers.h"

namespace nodeplane::k8sjson {

namespace {

std::string trimmed(const std::string& s) {
    auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::optional<IpAddress> readIp(const JsonValue& v) {
    auto text = v.string();
    if (!text) return std::nullopt;
    auto ip = IpAddress::parse(*text);
    if (!ip) v.error("'" + *text + "' is not an IP address");
    return ip;
}

std::optional<IpPrefix> readPrefix(const JsonValue& v, bool trim) {
    auto text = v.string();
    if (!text) return std::nullopt;
    std::string cidr = trim ? trimmed(*text) : *text;
    auto prefix = IpPrefix::parse(cidr);
    if (!prefix) v.error("'" + *text + "' is not a CIDR with its host bits clear");
    return prefix;
}

std::vector<IpAddress> readIps(const JsonValue& list) {
    std::vector<IpAddress> out;
    for (const auto& item : list.items())
        if (auto ip = readIp(item)) out.push_back(*ip);
    return out;
}

std::vector<IpPrefix> readPrefixes(const JsonValue& list, bool trim) {
    std::vector<IpPrefix> out;
    for (const auto& item : list.items())
        if (auto p = readPrefix(item, trim)) out.push_back(*p);
    return out;
}

state::Protocol readProtocol(const JsonValue& v) {
    auto text = v.string();
    if (!text || *text == "TCP") return state::Protocol::TCP;
    if (*text == "UDP") return state::Protocol::UDP;
    if (*text == "SCTP") return state::Protocol::SCTP;
    v.error("unknown protocol '" + *text + "', expected TCP, UDP or SCTP");
    return state::Protocol::TCP;
}

std::optional<std::uint16_t> readPort(const JsonValue& v, bool required) {
    auto n = v.integer(required);
    if (!n) return std::nullopt;
    if (*n < 1 || *n > 65535) {
        v.error(std::to_string(*n) + " is out of range 1-65535");
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(*n);
}

std::optional<state::PortRef> readPortRef(const JsonValue& v) {
    if (!v.present()) return std::nullopt;
    if (v.isString()) {
        auto name = *v.string();
        // IANA_SVC_NAME: 1-15 characters, lower-case letters, digits and '-'.
        bool valid = !name.empty() && name.size() <= 15 &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                     }) &&
                     std::any_of(name.begin(), name.end(), [](char c) { return c >= 'a' && c <= 'z'; });
        if (!valid) {
            v.error("'" + name + "' is not a port name (IANA_SVC_NAME)");
            return std::nullopt;
        }
        return state::PortRef{name};
    }
    if (auto port = readPort(v)) return state::PortRef{*port};
    return std::nullopt;
}

}  // namespace nodeplane::k8sjson
