#include "lb_options.h"

#include <charconv>

namespace nodeplane::probe {

namespace {

Result<sockaddr_in> parseAddress(const std::string& text) {
    auto target = parseTarget("x=" + text, TargetKind::Served);
    if (!target) return target.error();
    return target->address;
}

Result<unsigned> parseCount(const std::string& flag, const std::string& text) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || value > 600'000)
        return Error::logical(flag + " wants a number, got '" + text + "'");
    return value;
}

}  // namespace

Result<LbOptions> parseLbOptions(const std::vector<std::string>& args) {
    LbOptions options;
    bool listening = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (i + 1 >= args.size()) return Error::logical(flag + ": unknown option, or its value is missing");
        const std::string& value = args[++i];
        if (flag == "--listen") {
            auto address = parseAddress(value);
            if (!address) return address.error();
            options.listen = *address;
            listening = true;
        } else if (flag == "--backend") {
            const auto eq = value.find('=');
            const auto at = value.find('@');
            if (eq == std::string::npos || at == std::string::npos || at < eq)
                return Error::logical("a backend is NAME=IP:PORT@HEALTH-IP:PORT, got '" + value + "'");
            auto service = parseAddress(value.substr(eq + 1, at - eq - 1));
            if (!service) return service.error();
            auto health = parseAddress(value.substr(at + 1));
            if (!health) return health.error();
            options.backends.push_back({value.substr(0, eq), *service, *health});
        } else {
            auto count = parseCount(flag, value);
            if (!count) return count.error();
            if (flag == "--interval-ms")
                options.intervalMs = *count;
            else if (flag == "--check-timeout-ms")
                options.checkTimeoutMs = *count;
            else if (flag == "--fall")
                options.fall = *count;
            else if (flag == "--rise")
                options.rise = *count;
            else if (flag == "--drain-ms")
                options.drainMs = *count;
            else
                return Error::logical(flag + ": unknown option");
        }
    }
    if (!listening) return Error::logical("no --listen given");
    if (options.backends.empty()) return Error::logical("no --backend given");
    if (options.intervalMs == 0 || options.fall == 0 || options.rise == 0 || options.checkTimeoutMs == 0)
        return Error::logical("--interval-ms, --check-timeout-ms, --fall and --rise must be at least 1");
    return options;
}

}  // namespace nodeplane::probe
