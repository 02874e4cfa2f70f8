#include "probe_options.h"

#include <arpa/inet.h>

#include <charconv>

namespace nodeplane::probe {

namespace {

Result<unsigned> parseUnsigned(const std::string& flag, const std::string& text, unsigned min, unsigned max) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || value < min || value > max)
        return Error::logical(flag + " wants a number from " + std::to_string(min) + " to " + std::to_string(max) +
                              ", got '" + text + "'");
    return value;
}

}  // namespace

std::string Target::describeAddress() const {
    char ip[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &address.sin_addr, ip, sizeof(ip));
    return std::string(ip) + ":" + std::to_string(ntohs(address.sin_port));
}

Result<Target> parseTarget(const std::string& spec, TargetKind kind) {
    const auto eq = spec.find('=');
    const auto colon = spec.rfind(':');
    if (eq == std::string::npos || eq == 0 || colon == std::string::npos || colon < eq)
        return Error::logical("a target is NAME=IP:PORT, got '" + spec + "'");
    Target target;
    target.name = spec.substr(0, eq);
    target.kind = kind;
    target.address.sin_family = AF_INET;
    const std::string ip = spec.substr(eq + 1, colon - eq - 1);
    if (::inet_pton(AF_INET, ip.c_str(), &target.address.sin_addr) != 1)
        return Error::logical("'" + ip + "' in '" + spec + "' is not an IPv4 address");
    auto port = parseUnsigned("the port of '" + spec + "'", spec.substr(colon + 1), 1, 65535);
    if (!port) return port.error();
    target.address.sin_port = htons(static_cast<std::uint16_t>(*port));
    return target;
}

Result<ProbeOptions> parseProbeOptions(const std::vector<std::string>& args) {
    ProbeOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (flag == "--long-lived") {
            options.longLived = true;
            continue;
        }
        if (i + 1 >= args.size()) return Error::logical(flag + ": unknown option, or its value is missing");
        const std::string& value = args[++i];
        if (flag == "--target" || flag == "--denied") {
            auto target = parseTarget(value, flag == "--target" ? TargetKind::Served : TargetKind::Denied);
            if (!target) return target.error();
            for (const auto& other : options.targets)
                if (other.name == target->name) return Error::logical("two targets are named '" + other.name + "'");
            options.targets.push_back(std::move(*target));
        } else if (flag == "--rate-per-second") {
            auto rate = parseUnsigned(flag, value, 1, 1000);
            if (!rate) return rate.error();
            options.ratePerSecond = *rate;
        } else if (flag == "--timeout-ms") {
            auto ms = parseUnsigned(flag, value, 10, 60'000);
            if (!ms) return ms.error();
            options.timeoutMs = *ms;
        } else if (flag == "--duration-ms") {
            auto ms = parseUnsigned(flag, value, 1, 86'400'000);
            if (!ms) return ms.error();
            options.durationMs = *ms;
        } else if (flag == "--report") {
            options.reportPath = value;
        } else {
            return Error::logical(flag + ": unknown option");
        }
    }
    if (options.targets.empty()) return Error::logical("no --target or --denied given");
    return options;
}

}  // namespace nodeplane::probe
