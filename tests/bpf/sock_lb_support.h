// For the socket hook tests: a scratch cgroup (never the host's root), a
// child process placed in it that runs one client and reports one line, and
// the few socket calls both sides need. Cleanup happens in destructors,
// whatever the test did.
#pragma once

#include <netinet/in.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "common/unique_fd.h"

namespace nodeplane::test {

// A fresh cgroup under the cgroup v2 mount (/sys/fs/cgroup, or
// /sys/fs/cgroup/unified on a hybrid host): nodeplane-test-XXXXXX. The
// destructor kills whatever is left in it and removes it.
class ScratchCgroup {
public:
    ScratchCgroup();  // throws std::runtime_error
    ~ScratchCgroup();
    ScratchCgroup(const ScratchCgroup&) = delete;
    ScratchCgroup& operator=(const ScratchCgroup&) = delete;

    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A forked child that joins `cgroup` (and, with `netnsFd` >= 0, that network
// namespace) before it makes any socket, since a socket belongs to the cgroup
// of its creator, then runs `client` and reports its line. It is killed after
// a few seconds at most, so a hung client fails the test instead of hanging
// it.
class ClientInCgroup {
public:
    ClientInCgroup(const ScratchCgroup& cgroup, std::function<std::string()> client, int netnsFd = -1);
    ~ClientInCgroup();
    ClientInCgroup(const ClientInCgroup&) = delete;
    ClientInCgroup& operator=(const ClientInCgroup&) = delete;

    // Waits for the child: its line, or how it failed ("exited 3", "killed by signal 14").
    std::string result();

private:
    pid_t pid_ = -1;
    UniqueFd output_;
};

// A runs-once client and its result, for the common case.
std::string runInCgroup(const ScratchCgroup& cgroup, std::function<std::string()> client, int netnsFd = -1);

sockaddr_in endpoint(const char* ip, std::uint16_t port);
std::string addressText(const sockaddr_in& address);  // "10.96.0.10:80"
std::string errnoText(const char* what);              // "connect: Connection refused"

// A listening TCP socket / bound UDP socket, non-blocking; throws on failure.
UniqueFd tcpListener(const char* ip, std::uint16_t port);
UniqueFd udpSocket(const char* ip, std::uint16_t port);

// Accepts one queued connection within `timeoutMs` and reads what the client
// sent before closing: the text, or "" when no connection came.
std::string acceptAndRead(int listener, int timeoutMs = 2000);
// Connections queued on `listener` right now, accepted and dropped.
int drainConnections(int listener);

// Receives one datagram within `timeoutMs`: its text and, in `from`, its sender.
std::string receiveDatagram(int sock, sockaddr_in& from, int timeoutMs = 3000);

// The client side, run in the child.
// TCP: connect, getpeername, send `message`: "peer <address>" or the error.
std::string tcpClient(const char* ip, std::uint16_t port, const std::string& message = "hello");
// UDP: one query, one answer. connected: connect() + send(); else sendto().
// "answer '<text>' from <address>[, peer <address>]" or the error.
std::string udpClient(const char* ip, std::uint16_t port, bool connected);

}  // namespace nodeplane::test
