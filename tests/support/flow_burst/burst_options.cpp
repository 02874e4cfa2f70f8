#include "burst_options.h"

#include <arpa/inet.h>

#include <charconv>

namespace nodeplane::burst {
namespace {

Result<std::uint32_t> parseNumber(const std::string& flag, const std::string& text, std::uint32_t min,
                                  std::uint32_t max) {
    std::uint32_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || value < min || value > max)
        return Error::logical(flag + " wants a number from " + std::to_string(min) + " to " + std::to_string(max) +
                              ", got '" + text + "'");
    return value;
}

Result<sockaddr_in> parseDestination(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return Error::logical("--to wants IP:PORT, got '" + text + "'");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    const std::string ip = text.substr(0, colon);
    if (::inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1)
        return Error::logical("'" + ip + "' in --to is not an IPv4 address");
    auto port = parseNumber("the port of --to", text.substr(colon + 1), 1, 65535);
    if (!port) return port.error();
    address.sin_port = htons(static_cast<std::uint16_t>(*port));
    return address;
}

}  // namespace

Result<BurstOptions> parseBurstOptions(const std::vector<std::string>& args) {
    BurstOptions options;
    bool haveDestination = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (i + 1 >= args.size()) return Error::logical(flag + ": unknown option, or its value is missing");
        const std::string& value = args[++i];
        if (flag == "--to") {
            auto destination = parseDestination(value);
            if (!destination) return destination.error();
            options.destination = *destination;
            haveDestination = true;
        } else if (flag == "--first-source-port") {
            auto port = parseNumber(flag, value, 1, 65535);
            if (!port) return port.error();
            options.firstSourcePort = static_cast<std::uint16_t>(*port);
        } else if (flag == "--count") {
            auto count = parseNumber(flag, value, 1, 65535);
            if (!count) return count.error();
            options.count = *count;
        } else if (flag == "--rate") {
            auto rate = parseNumber(flag, value, 1, 10'000'000);
            if (!rate) return rate.error();
            options.ratePerSecond = *rate;
        } else if (flag == "--payload-bytes") {
            // Stays within one Ethernet frame: no fragments, one packet per flow.
            auto bytes = parseNumber(flag, value, 0, 1400);
            if (!bytes) return bytes.error();
            options.payloadBytes = *bytes;
        } else {
            return Error::logical(flag + ": unknown option");
        }
    }
    if (!haveDestination) return Error::logical("--to IP:PORT is required");
    if (std::uint32_t{options.firstSourcePort} + options.count - 1 > 65535)
        return Error::logical("--first-source-port " + std::to_string(options.firstSourcePort) + " with --count " +
                              std::to_string(options.count) + " runs past source port 65535");
    return options;
}

}  // namespace nodeplane::burst
