// "10.96.0.11:80" or "[fd00::1]:80" as a sockaddr, for np-probe and np-serve.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>
#include <string_view>

namespace nodeplane::netpol {

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;

    int family() const { return storage.ss_family; }
    const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

std::optional<SocketAddress> parseSocketAddress(std::string_view text);

}  // namespace nodeplane::netpol
