#include "line_connection.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace nodeplane::probe {

namespace {

// A line longer than this is not an echo of ours: the reader stops growing.
constexpr std::size_t kMaxBufferedBytes = 64 * 1024;

}  // namespace

const char* toString(Failure failure) {
    switch (failure) {
    case Failure::Refused: return "refused";
    case Failure::Timeout: return "timeout";
    case Failure::Reset: return "reset";
    case Failure::Closed: return "closed";
    case Failure::WrongAnswer: return "wrong-answer";
    case Failure::Unreachable: return "unreachable";
    case Failure::Connected: return "connected";
    case Failure::Other: return "other";
    }
    return "other";
}

Failure classifyErrno(int errnum) {
    switch (errnum) {
    case ECONNREFUSED: return Failure::Refused;
    case ECONNRESET:
    case EPIPE: return Failure::Reset;
    case ETIMEDOUT: return Failure::Timeout;
    case EHOSTUNREACH:
    case ENETUNREACH: return Failure::Unreachable;
    default: return Failure::Other;
    }
}

Result<LineConnection> LineConnection::open(const sockaddr_in& to) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Error::fromErrno(errno, "Failed to create a socket");
    LineConnection connection(std::move(fd));
    if (::connect(connection.fd(), reinterpret_cast<const sockaddr*>(&to), sizeof(to)) == 0) {
        connection.connected_ = true;
    } else if (errno != EINPROGRESS) {
        return Error::fromErrno(errno, "Failed to connect");
    }
    return connection;
}

short LineConnection::events() const {
    if (!connected_ || !out_.empty()) return POLLIN | POLLOUT;
    return POLLIN;
}

Status LineConnection::onEvents(short revents) {
    if (!connected_ && (revents & (POLLOUT | POLLERR | POLLHUP))) {
        int err = 0;
        socklen_t len = sizeof(err);
        if (::getsockopt(fd(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        if (err != 0) return Error::fromErrno(err, "Failed to connect");
        connected_ = true;
    }
    if (!connected_) return {};
    if (revents & (POLLIN | POLLERR | POLLHUP))
        if (auto st = readAvailable(); !st) return st;
    return flush();
}

Status LineConnection::send(const std::string& line) {
    out_ += line;
    out_ += '\n';
    return connected_ ? flush() : Status{};
}

std::optional<std::string> LineConnection::takeLine() {
    const auto newline = in_.find('\n');
    if (newline == std::string::npos) return std::nullopt;
    std::string line = in_.substr(0, newline);
    in_.erase(0, newline + 1);
    return line;
}

Status LineConnection::flush() {
    while (!out_.empty()) {
        const ssize_t n = ::send(fd(), out_.data(), out_.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return {};
            return Error::fromErrno(errno, "Failed to send");
        }
        out_.erase(0, static_cast<std::size_t>(n));
    }
    return {};
}

Status LineConnection::readAvailable() {
    char buffer[4096];
    while (in_.size() < kMaxBufferedBytes) {
        const ssize_t n = ::recv(fd(), buffer, sizeof(buffer), 0);
        if (n == 0) {
            peerClosed_ = true;
            return {};
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return {};
            return Error::fromErrno(errno, "Failed to receive");
        }
        in_.append(buffer, static_cast<std::size_t>(n));
    }
    return {};
}

}  // namespace nodeplane::probe
