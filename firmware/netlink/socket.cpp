#include "netlink/socket.h"

#include <sys/socket.h>

#include <cstring>

#include "netlink/message.h"

namespace nodeplane::netlink {
namespace {

// Large enough for any datagram the kernel builds: dumps fill skbs of up to
// 32 KiB (more only for links with very many VFs), notifications are single
// messages of a few KiB. A truncated read would lose messages silently.
constexpr std::size_t kReceiveBytes = 64 * 1024;

Error ackToError(const AckError& ack) {
    std::string why = std::strerror(ack.errnum);
    if (!ack.message.empty()) why += " (" + ack.message + ")";
    return Error{ack.errnum, std::move(why)};
}

}  // namespace

std::optional<AckError> parseAck(const nlmsghdr& message) {
    const auto* err = familyHeader<nlmsgerr>(message);
    if (message.nlmsg_type != NLMSG_ERROR || !err) return std::nullopt;
    AckError ack{err->error < 0 ? -err->error : err->error, {}};
    if (message.nlmsg_flags & NLM_F_ACK_TLVS) {
        // The TLVs follow the echoed request: only its header when the kernel
        // capped the echo (NETLINK_CAP_ACK, or always for acks), the whole
        // request otherwise.
        std::size_t echoed = (message.nlmsg_flags & NLM_F_CAPPED) ? sizeof(nlmsghdr) : err->msg.nlmsg_len;
        std::size_t offset = sizeof(nlmsgerr) - sizeof(nlmsghdr) + NLMSG_ALIGN(echoed);
        auto tlvs = Attributes::ofMessage(message, offset, NLMSGERR_ATTR_MAX);
        if (auto text = tlvs.string(NLMSGERR_ATTR_MSG)) ack.message = std::move(*text);
    }
    return ack;
}

NetlinkSocket::NetlinkSocket(Handle handle) : handle_(std::move(handle)), buffer_(kReceiveBytes) {}

Result<NetlinkSocket> NetlinkSocket::open(int bus, const SocketOptions& options) {
    int flags = SOCK_CLOEXEC | (options.nonBlocking ? SOCK_NONBLOCK : 0);
    Handle handle(mnl_socket_open2(bus, flags));
    if (!handle) return Error::fromErrno(errno, "Failed to open netlink socket");

    int on = 1;
    // Best effort: without them errors lose their text or echo whole requests.
    mnl_socket_setsockopt(handle.get(), NETLINK_EXT_ACK, &on, sizeof on);
    mnl_socket_setsockopt(handle.get(), NETLINK_CAP_ACK, &on, sizeof on);

    if (options.receiveBufferBytes > 0) {
        int fd = mnl_socket_get_fd(handle.get());
        int bytes = options.receiveBufferBytes;
        // FORCE lifts the net.core.rmem_max cap (we hold CAP_NET_ADMIN); the
        // plain option is the fallback and also how tests shrink the buffer.
        if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0 &&
            ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0)
            return Error::fromErrno(errno, "Failed to size netlink receive buffer");
    }
    if (mnl_socket_bind(handle.get(), options.groups, MNL_SOCKET_AUTOPID) != 0)
        return Error::fromErrno(errno, "Failed to bind netlink socket");
    return NetlinkSocket(std::move(handle));
}

int NetlinkSocket::fd() const { return mnl_socket_get_fd(handle_.get()); }

std::uint32_t NetlinkSocket::portId() const { return mnl_socket_get_portid(handle_.get()); }

Status NetlinkSocket::send(std::vector<std::uint8_t>& message, std::uint32_t seq) {
    if (message.size() < sizeof(nlmsghdr)) return Error::logical("netlink request shorter than its header");
    auto* nlh = reinterpret_cast<nlmsghdr*>(message.data());
    nlh->nlmsg_seq = seq;
    nlh->nlmsg_pid = 0;  // to the kernel
    if (mnl_socket_sendto(handle_.get(), message.data(), message.size()) < 0)
        return Error::fromErrno(errno, "sendto");
    return {};
}

Result<std::span<const std::uint8_t>> NetlinkSocket::receive() {
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(handle_.get(), buffer_.data(), buffer_.size());
        if (n >= 0) return std::span<const std::uint8_t>(buffer_.data(), static_cast<std::size_t>(n));
        if (errno == EINTR) continue;
        return Error{errno, std::strerror(errno)};
    }
}

// Reads until the answer to `seq` is complete: the ack (or error) of a
// request, or NLMSG_DONE of a dump. Messages of other sequence numbers are
// left-overs of an earlier exchange that failed half way, and are skipped.
Status NetlinkSocket::readAnswers(std::uint32_t seq, const std::function<void(const nlmsghdr&)>* onMessage) {
    bool interrupted = false;
    for (;;) {
        auto received = receive();
        if (!received) return received.error();
        const auto* nlh = reinterpret_cast<const nlmsghdr*>(received->data());
        int remaining = static_cast<int>(received->size());
        for (; mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
            if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != portId()) continue;
            if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
            switch (nlh->nlmsg_type) {
                case NLMSG_NOOP: continue;
                case NLMSG_OVERRUN: return Error{EOVERFLOW, "netlink answer overran"};
                case NLMSG_ERROR: {
                    auto ack = parseAck(*nlh);
                    if (!ack) return Error{EBADMSG, "malformed netlink error message"};
                    if (ack->errnum != 0) return ackToError(*ack);
                    return {};
                }
                case NLMSG_DONE: {
                    // A dump that failed half way carries its errno here.
                    const int* status = familyHeader<int>(*nlh);
                    if (status && *status < 0) return ackToError(AckError{-*status, {}});
                    if (interrupted) return Error{EINTR, "dump interrupted by a concurrent change"};
                    return {};
                }
                default:
                    if (onMessage) (*onMessage)(*nlh);
            }
        }
    }
}

Status NetlinkSocket::request(std::vector<std::uint8_t> message) {
    std::uint32_t seq = nextSeq_++;
    if (auto sent = send(message, seq); !sent) return sent;
    return readAnswers(seq, nullptr);
}

Status NetlinkSocket::dump(std::vector<std::uint8_t> message, const std::function<void(const nlmsghdr&)>& onMessage) {
    std::uint32_t seq = nextSeq_++;
    if (auto sent = send(message, seq); !sent) return sent;
    return readAnswers(seq, &onMessage);
}

}  // namespace nodeplane::netlink
