// A netlink socket (RAII over libmnl's mnl_socket) for synchronous requests
// and dumps, and for reading multicast notifications. Route and link changes
// are kernel-local and answered within microseconds, so a blocking
// request/acknowledge exchange does not stall the event loop.
#pragma once

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/c_handle.h"
#include "common/result.h"

namespace nodeplane::netlink {

struct SocketOptions {
    unsigned groups = 0;         // RTMGRP_* multicast groups to join
    bool nonBlocking = false;    // for sockets read from an event loop
    int receiveBufferBytes = 0;  // SO_RCVBUF(FORCE); 0 keeps the kernel default
};

class NetlinkSocket {
public:
    // Opens and binds a socket of `bus` (NETLINK_ROUTE). Extended acks are
    // switched on so errors carry the kernel's reason ("Nexthop device is not up").
    static Result<NetlinkSocket> open(int bus, const SocketOptions& options = {});

    int fd() const;
    std::uint32_t portId() const;

    // Sends one request built with NLM_F_ACK and waits for its acknowledgement.
    // The error's message says why ("Network is down (Nexthop device is not up)");
    // the caller says what failed.
    Status request(std::vector<std::uint8_t> message);

    // Sends one NLM_F_DUMP request and hands every answer to `onMessage` until
    // NLMSG_DONE. When the kernel flags the dump as interrupted (the table
    // changed under it) the whole dump is read and an EINTR error returned: the
    // caller starts over with fresh results (dumpAll does).
    Status dump(std::vector<std::uint8_t> message, const std::function<void(const nlmsghdr&)>& onMessage);

    // dump() with retries on EINTR, collecting what `parse` accepts.
    template <typename T, typename Parse>
    Result<std::vector<T>> dumpAll(const std::vector<std::uint8_t>& message, Parse parse) {
        for (int attempt = 1;; ++attempt) {
            std::vector<T> out;
            Status status = dump(message, [&](const nlmsghdr& nlh) {
                if (auto item = parse(nlh)) out.push_back(std::move(*item));
            });
            if (status.ok()) return out;
            if (status.error().errnum != EINTR || attempt == kDumpAttempts) return status.error();
        }
    }

    // One read of whatever is queued (one datagram, possibly several messages).
    // EAGAIN on an empty non-blocking socket, ENOBUFS after an overrun.
    Result<std::span<const std::uint8_t>> receive();

private:
    using Handle = CHandle<mnl_socket, mnl_socket_close>;
    // A dump interrupted this often in a row means the table churns faster
    // than we read it; give up and let the caller retry later.
    static constexpr int kDumpAttempts = 5;

    explicit NetlinkSocket(Handle handle);
    Status send(std::vector<std::uint8_t>& message, std::uint32_t seq);
    Status readAnswers(std::uint32_t seq, const std::function<void(const nlmsghdr&)>* onMessage);

    Handle handle_;
    std::uint32_t nextSeq_ = 1;
    std::vector<std::uint8_t> buffer_;
};

// The reason carried by an NLMSG_ERROR message: errno (positive, 0 for an
// acknowledgement) and the extended-ack text when the kernel gave one.
struct AckError {
    int errnum = 0;
    std::string message;
};
std::optional<AckError> parseAck(const nlmsghdr& message);

}  // namespace nodeplane::netlink
