// Network namespaces for root tests, made with unshare(2) and held by an fd
// rather than named under /run/netns: when the test process dies, however it
// dies, the namespace and every interface in it go with it.
#pragma once

#include <string>

#include "common/unique_fd.h"

namespace nodeplane::test {

class ScopedNetns {
public:
    // A fresh namespace with lo up. Throws std::runtime_error on failure.
    static ScopedNetns create();

    int fd() const { return fd_.get(); }
    // A path other processes can open while this object lives, for
    // `ip link set X netns <path>`.
    std::string path() const;

private:
    explicit ScopedNetns(UniqueFd fd) : fd_(std::move(fd)) {}
    UniqueFd fd_;
};

// Moves the calling thread into a namespace for its lifetime and back after.
// Sockets and netlink requests made meanwhile belong to that namespace.
class EnterNetns {
public:
    explicit EnterNetns(const ScopedNetns& netns);
    ~EnterNetns();
    EnterNetns(const EnterNetns&) = delete;
    EnterNetns& operator=(const EnterNetns&) = delete;

private:
    UniqueFd original_;
};

// Creates a veth pair `name` <-> `peer` in `netns`, both up; the peer is then
// moved to `peerNetns` when given. Returns the ifindex of `name`.
int addVethPair(const ScopedNetns& netns, const std::string& name, const std::string& peer,
                const ScopedNetns* peerNetns = nullptr);

// The ifindex of `name` in `netns`; throws when it does not exist.
int ifindexIn(const ScopedNetns& netns, const std::string& name);

// The MAC address of `name` in `netns` as "02:..:..", for neighbour entries.
std::string macAddressIn(const ScopedNetns& netns, const std::string& name);

}  // namespace nodeplane::test
