// One client connection proxied to a backend, bytes relayed both ways; a
// half-close is passed on (FIN for FIN), a reset on either side resets the
// other, as an L4 load balancer that terminates TCP does.
#pragma once

#include <poll.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "common/unique_fd.h"

namespace nodeplane::probe {

class Relay {
public:
    // `server` is connecting (non-blocking).
    Relay(UniqueFd client, UniqueFd server, std::size_t backend);

    void collect(std::vector<pollfd>& fds) const;
    // False once the relay is over (both directions closed, or reset).
    bool onReady(const std::unordered_map<int, short>& revents);
    // Deregistration: no more client bytes go on; the backend gets a FIN,
    // and its answers so far still reach the client before the client's FIN.
    void drain();

    std::size_t backend() const { return backend_; }
    bool draining() const { return draining_; }

private:
    struct Side {
        UniqueFd fd;
        std::string toWrite;  // bytes from the other side not yet written here
        bool readEof = false;
        bool writeShut = false;
    };
    bool relay(Side& from, Side& to, short revents);
    bool flush(Side& side);
    void resetBoth();

    Side client_;
    Side server_;
    std::size_t backend_;
    bool connected_ = false;
    bool draining_ = false;
};

}  // namespace nodeplane::probe
