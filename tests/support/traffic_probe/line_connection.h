// One non-blocking TCP connection that exchanges newline-terminated lines,
// driven by poll(): the caller asks which events it waits for, hands back
// what poll saw, and takes the complete lines that arrived.
#pragma once

#include <netinet/in.h>

#include <optional>
#include <string>

#include "common/result.h"
#include "common/unique_fd.h"

namespace nodeplane::probe {

// Why one connection (or one exchange on it) failed, as the report names it.
enum class Failure : std::uint8_t {
    Refused,      // RST to the SYN: nothing listens, or a datapath rejected it
    Timeout,      // no connection or no answer within the timeout
    Reset,        // an established connection was reset
    Closed,       // the peer closed before the answer was complete
    WrongAnswer,  // an answer came, but not the one expected
    Unreachable,  // ICMP unreachable, or no route
    Connected,    // a denied target let a connection through
    Other,
};

const char* toString(Failure failure);
Failure classifyErrno(int errnum);  // a socket error -> Refused / Reset / ...

class LineConnection {
public:
    // Starts a non-blocking connect; fails only when no socket could be made
    // or the connect failed at once (ENETUNREACH, say).
    static Result<LineConnection> open(const sockaddr_in& to);

    int fd() const { return fd_.get(); }
    short events() const;  // for pollfd.events
    bool connected() const { return connected_; }
    bool peerClosed() const { return peerClosed_; }

    // Feeds what poll reported; an error is the socket's (refused, reset...).
    Status onEvents(short revents);
    // Queues `line` (a newline is added) and writes what the socket takes.
    Status send(const std::string& line);
    // The next complete line received, without its newline.
    std::optional<std::string> takeLine();

private:
    explicit LineConnection(UniqueFd fd) : fd_(std::move(fd)) {}
    Status flush();
    Status readAvailable();

    UniqueFd fd_;
    bool connected_ = false;
    bool peerClosed_ = false;
    std::string out_;
    std::string in_;
};

}  // namespace nodeplane::probe
