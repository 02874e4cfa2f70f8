#include "udp_burst.h"

#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "burst_schedule.h"
#include "common/unique_fd.h"
#include "udp_datagram.h"

namespace nodeplane::burst {
namespace {

// Datagrams per sendmmsg(): a tick at the highest rates stays one or two calls.
constexpr std::size_t kBatch = 256;

std::chrono::nanoseconds monotonicNow() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

void sleepUntil(std::chrono::nanoseconds deadline) {
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(deadline.count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(deadline.count() % 1'000'000'000);
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
}

// The address the kernel will send from towards `destination`: what a
// connected UDP socket is bound to. The checksum covers it.
Result<in_addr> sourceAddressFor(const sockaddr_in& destination) {
    UniqueFd probe(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!probe.valid()) return Error::fromErrno(errno, "Failed to create a UDP socket");
    if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&destination), sizeof destination) != 0)
        return Error::fromErrno(errno, "Failed to find a route to the destination");
    sockaddr_in local{};
    socklen_t length = sizeof local;
    if (::getsockname(probe.get(), reinterpret_cast<sockaddr*>(&local), &length) != 0)
        return Error::fromErrno(errno, "Failed to read the source address");
    return local.sin_addr;
}

}  // namespace

Result<BurstResult> runBurst(const BurstOptions& options) {
    auto source = sourceAddressFor(options.destination);
    if (!source) return source.error();
    UniqueFd raw(::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP));
    if (!raw.valid()) return Error::fromErrno(errno, "Failed to create a raw UDP socket (needs CAP_NET_RAW)");

    // All built before the clock starts, so the pacing measures sending only.
    std::vector<std::vector<std::uint8_t>> datagrams;
    datagrams.reserve(options.count);
    for (std::uint32_t i = 0; i < options.count; ++i)
        datagrams.push_back(udpDatagram(*source, htons(static_cast<std::uint16_t>(options.firstSourcePort + i)),
                                        options.destination, options.payloadBytes));
    std::vector<iovec> iov(options.count);
    std::vector<mmsghdr> messages(options.count);
    for (std::uint32_t i = 0; i < options.count; ++i) {
        iov[i] = {datagrams[i].data(), datagrams[i].size()};
        messages[i].msg_hdr.msg_name = const_cast<sockaddr_in*>(&options.destination);
        messages[i].msg_hdr.msg_namelen = sizeof options.destination;
        messages[i].msg_hdr.msg_iov = &iov[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }

    const std::chrono::nanoseconds start = monotonicNow();
    std::uint32_t sent = 0;
    while (sent < options.count) {
        const std::uint32_t due = dueBy(monotonicNow() - start, options.ratePerSecond, options.count);
        while (sent < due) {
            const auto batch = static_cast<unsigned>(std::min<std::size_t>(due - sent, kBatch));
            int n = ::sendmmsg(raw.get(), &messages[sent], batch, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return Error::fromErrno(errno, "Failed to send datagram " + std::to_string(sent + 1));
            sent += static_cast<std::uint32_t>(n);
        }
        if (sent < options.count) {
            // The moment datagram `sent` is due.
            const auto next =
                std::chrono::nanoseconds(std::int64_t{sent} * 1'000'000'000 / options.ratePerSecond);
            sleepUntil(start + next);
        }
    }
    BurstResult result;
    result.sent = sent;
    result.elapsed = monotonicNow() - start;
    result.end = std::chrono::system_clock::now();
    return result;
}

}  // namespace nodeplane::burst
