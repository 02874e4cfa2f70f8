// An address filter (np_service_addrs_v1 of the frontends,
// np_backend_addrs_v1 of the backends): the bits that let the datapath skip
// a hash lookup for the packets that cannot match (most of them). One bit
// per hash of an IPv4 address, counted here per holder (frontend, backend),
// so a bit is cleared only when nothing hashes to it any more. The caller
// adds an address before its holder is written and removes it after the
// holder is gone, so a packet never skips an entry that exists.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "common/ip.h"
#include "common/result.h"

namespace nodeplane::datapath {

// The bit of `address` (bpf/lib/lb.h, np_maybe_frontend_addr_v4); IPv6
// addresses have none (the datapath does not look them up yet).
std::optional<std::uint32_t> addressFilterBit(const IpAddress& address);

class AddressFilter {
public:
    // Borrows the fd of the filter map named `mapName`.
    AddressFilter(int mapFd, const char* mapName) : mapFd_(mapFd), mapName_(mapName) {}

    // One more holder has `address`: its bit is set when it was clear.
    Status add(const IpAddress& address);
    // One holder of `address` less: its bit is cleared when none is left.
    Status remove(const IpAddress& address);
    // Counts the holders a restarted daemon finds and sets their bits.
    Status adopt(const std::vector<IpAddress>& addresses);

private:
    Status writeWord(std::uint32_t word);

    int mapFd_;
    const char* mapName_;
    std::map<std::uint32_t, std::uint32_t> counts_;  // by bit: frontends hashing to it
    std::map<std::uint32_t, std::uint64_t> words_;   // the words with bits set, as written
};

}  // namespace nodeplane::datapath
