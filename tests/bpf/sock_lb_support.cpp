#include "sock_lb_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "datapath/cgroup.h"

namespace nodeplane::test {

namespace {

// Long enough for any client here (all traffic stays on loopback), short
// enough that a hung one fails fast.
constexpr unsigned kClientDeadlineSeconds = 5;

std::string randomSuffix() {
    static std::mt19937 rng(std::random_device{}());
    static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string out;
    for (int i = 0; i < 6; ++i) out += kChars[rng() % (sizeof(kChars) - 1)];
    return out;
}

bool writeFile(const std::string& path, const std::string& text) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    return fd.valid() && ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

bool waitReadable(int fd, int timeoutMs) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) == 1;
}

UniqueFd boundSocket(int type, const char* ip, std::uint16_t port) {
    UniqueFd sock(::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!sock.valid()) throw std::runtime_error(errnoText("socket"));
    int one = 1;
    ::setsockopt(sock.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    auto at = endpoint(ip, port);
    if (::bind(sock.get(), reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0)
        throw std::runtime_error(errnoText(("bind " + addressText(at)).c_str()));
    return sock;
}

void setReceiveTimeout(int sock, int seconds) {
    timeval tv{seconds, 0};
    ::setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

}  // namespace

ScratchCgroup::ScratchCgroup() {
    auto mount = datapath::cgroup2MountPoint();
    if (!mount) throw std::runtime_error("no cgroup v2 hierarchy is mounted");
    path_ = *mount + "/nodeplane-test-" + randomSuffix();
    if (::mkdir(path_.c_str(), 0755) != 0) throw std::runtime_error(errnoText(("mkdir " + path_).c_str()));
}

ScratchCgroup::~ScratchCgroup() {
    // Only our own children are ever put here; a test that failed halfway
    // may have left one.
    std::ifstream procs(path_ + "/cgroup.procs");
    pid_t pid = 0;
    while (procs >> pid) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
    // The cgroup empties as its last task exits, not when it is reaped.
    for (int i = 0; i < 100 && ::rmdir(path_.c_str()) != 0 && errno == EBUSY; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

ClientInCgroup::ClientInCgroup(const ScratchCgroup& cgroup, std::function<std::string()> client, int netnsFd) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(errnoText("pipe"));
    UniqueFd readEnd(fds[0]), writeEnd(fds[1]);
    const std::string procs = cgroup.path() + "/cgroup.procs";
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error(errnoText("fork"));
    if (pid_ == 0) {
        readEnd.reset();
        std::string line;
        ::alarm(kClientDeadlineSeconds);
        if (!writeFile(procs, std::to_string(::getpid())))
            line = errnoText("joining the scratch cgroup");
        else if (netnsFd >= 0 && ::setns(netnsFd, CLONE_NEWNET) != 0)
            line = errnoText("setns");
        else
            line = client();
        (void)!::write(writeEnd.get(), line.data(), line.size());
        ::_exit(0);
    }
    output_ = std::move(readEnd);
}

ClientInCgroup::~ClientInCgroup() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
}

std::string ClientInCgroup::result() {
    if (pid_ <= 0) return "already collected";
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    std::string line;
    char buf[512];
    ssize_t n;
    while ((n = ::read(output_.get(), buf, sizeof buf)) > 0) line.append(buf, static_cast<std::size_t>(n));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    if (WEXITSTATUS(status) != 0) return "exited " + std::to_string(WEXITSTATUS(status));
    return line;
}

std::string runInCgroup(const ScratchCgroup& cgroup, std::function<std::string()> client, int netnsFd) {
    ClientInCgroup child(cgroup, std::move(client), netnsFd);
    return child.result();
}

sockaddr_in endpoint(const char* ip, std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (::inet_pton(AF_INET, ip, &a.sin_addr) != 1) throw std::runtime_error(std::string("bad address ") + ip);
    return a;
}

std::string addressText(const sockaddr_in& address) {
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(address.sin_port));
}

std::string errnoText(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

UniqueFd tcpListener(const char* ip, std::uint16_t port) {
    auto sock = boundSocket(SOCK_STREAM, ip, port);
    if (::listen(sock.get(), 128) != 0) throw std::runtime_error(errnoText("listen"));
    return sock;
}

UniqueFd udpSocket(const char* ip, std::uint16_t port) { return boundSocket(SOCK_DGRAM, ip, port); }

std::string acceptAndRead(int listener, int timeoutMs) {
    if (!waitReadable(listener, timeoutMs)) return "";
    UniqueFd conn(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn.valid()) return "";
    setReceiveTimeout(conn.get(), 2);
    std::string text;
    char buf[256];
    ssize_t n;
    while ((n = ::recv(conn.get(), buf, sizeof buf, 0)) > 0) text.append(buf, static_cast<std::size_t>(n));
    return text;
}

int drainConnections(int listener) {
    int count = 0;
    while (UniqueFd(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC)).valid()) ++count;
    return count;
}

std::string receiveDatagram(int sock, sockaddr_in& from, int timeoutMs) {
    if (!waitReadable(sock, timeoutMs)) return "";
    char buf[512];
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(sock, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
}

std::string tcpClient(const char* ip, std::uint16_t port, const std::string& message) {
    UniqueFd sock(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    auto to = endpoint(ip, port);
    if (::connect(sock.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) return errnoText("connect");
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    if (::getpeername(sock.get(), reinterpret_cast<sockaddr*>(&peer), &len) != 0) return errnoText("getpeername");
    if (::send(sock.get(), message.data(), message.size(), MSG_NOSIGNAL) < 0) return errnoText("send");
    return "peer " + addressText(peer);
}

std::string udpClient(const char* ip, std::uint16_t port, bool connected) {
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    auto to = endpoint(ip, port);
    const std::string query = "query";
    if (connected) {
        if (::connect(sock.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0)
            return errnoText("connect");
        if (::send(sock.get(), query.data(), query.size(), 0) < 0) return errnoText("send");
    } else if (::sendto(sock.get(), query.data(), query.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                        sizeof to) < 0) {
        return errnoText("sendto");
    }
    setReceiveTimeout(sock.get(), 3);
    char buf[512];
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(sock.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return errnoText("recvfrom");
    std::string out = "answer '" + std::string(buf, static_cast<std::size_t>(n)) + "' from " + addressText(from);
    if (connected) {
        sockaddr_in peer{};
        len = sizeof peer;
        if (::getpeername(sock.get(), reinterpret_cast<sockaddr*>(&peer), &len) != 0) return errnoText("getpeername");
        out += ", peer " + addressText(peer);
    }
    return out;
}

}  // namespace nodeplane::test
