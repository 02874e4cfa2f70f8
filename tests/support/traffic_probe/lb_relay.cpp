#include "lb_relay.h"

#include <sys/socket.h>

#include <cerrno>

namespace nodeplane::probe {

namespace {

constexpr std::size_t kMaxPendingBytes = 64 * 1024;

void closeWithReset(UniqueFd& fd) {
    if (!fd.valid()) return;
    linger hard{1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
    fd.reset();
}

short reventsOf(const std::unordered_map<int, short>& revents, const UniqueFd& fd) {
    auto it = revents.find(fd.get());
    return it == revents.end() ? 0 : it->second;
}

}  // namespace

Relay::Relay(UniqueFd client, UniqueFd server, std::size_t backend) : backend_(backend) {
    client_.fd = std::move(client);
    server_.fd = std::move(server);
}

void Relay::collect(std::vector<pollfd>& fds) const {
    auto events = [](const Side& self, const Side& other, bool readable) {
        short e = 0;
        if (readable && !self.readEof && other.toWrite.size() < kMaxPendingBytes) e |= POLLIN;
        if (!self.toWrite.empty()) e |= POLLOUT;
        return e;
    };
    fds.push_back({client_.fd.get(), events(client_, server_, connected_ && !draining_), 0});
    short server = events(server_, client_, connected_);
    if (!connected_) server |= POLLOUT;
    fds.push_back({server_.fd.get(), server, 0});
}

bool Relay::onReady(const std::unordered_map<int, short>& revents) {
    const short fromClient = reventsOf(revents, client_.fd);
    const short fromServer = reventsOf(revents, server_.fd);
    if (!connected_) {
        if (fromClient & POLLERR) {
            resetBoth();  // the client gave up while the backend was still connecting
            return false;
        }
        if (!(fromServer & (POLLOUT | POLLERR | POLLHUP))) return true;
        int err = 0;
        socklen_t len = sizeof(err);
        ::getsockopt(server_.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            resetBoth();  // the backend refused: the client hears a reset, as from a real L4 LB
            return false;
        }
        connected_ = true;
    }
    if (!relay(client_, server_, draining_ ? static_cast<short>(fromClient & ~POLLIN) : fromClient) ||
        !relay(server_, client_, fromServer)) {
        resetBoth();
        return false;
    }
    if (!flush(client_) || !flush(server_)) {
        resetBoth();
        return false;
    }
    return !(server_.readEof && client_.writeShut && (client_.readEof || draining_) && server_.writeShut);
}

void Relay::drain() {
    draining_ = true;
    (void)flush(server_);
}

bool Relay::relay(Side& from, Side& to, short revents) {
    if (!(revents & (POLLIN | POLLHUP | POLLERR)) || from.readEof) return true;
    char buffer[16 * 1024];
    const ssize_t n = ::recv(from.fd.get(), buffer, sizeof(buffer), 0);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    if (n == 0)
        from.readEof = true;
    else
        to.toWrite.append(buffer, static_cast<std::size_t>(n));
    return true;
}

bool Relay::flush(Side& side) {
    while (!side.toWrite.empty()) {
        const ssize_t n = ::send(side.fd.get(), side.toWrite.data(), side.toWrite.size(), MSG_NOSIGNAL);
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
        side.toWrite.erase(0, static_cast<std::size_t>(n));
    }
    // Everything the other side sent is written: pass its FIN on (or, when
    // draining, the backend gets one for the client).
    Side& other = &side == &client_ ? server_ : client_;
    const bool otherDone = other.readEof || (&side == &server_ && draining_);
    if (otherDone && !side.writeShut && connected_) {
        ::shutdown(side.fd.get(), SHUT_WR);
        side.writeShut = true;
    }
    return true;
}

void Relay::resetBoth() {
    closeWithReset(client_.fd);
    closeWithReset(server_.fd);
}

}  // namespace nodeplane::probe
