// "IP:port" as the health server listens on it: "0.0.0.0:10256", or IPv6 in
// brackets, "[::]:10256" (the form kube-proxy's --healthz-bind-address takes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/ip.h"
#include "common/result.h"

namespace nodeplane::config {

struct ListenAddress {
    IpAddress ip;
    std::uint16_t port = 0;  // 1..65535: a fixed port that load balancers can probe

    std::string toString() const;  // the same form parseListenAddress() takes
    bool operator==(const ListenAddress&) const = default;
};

Result<ListenAddress> parseListenAddress(std::string_view text);

}  // namespace nodeplane::config
