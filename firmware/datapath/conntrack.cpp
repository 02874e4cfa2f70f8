#include "datapath/conntrack.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>

#include <cerrno>
#include <string>

#include "datapath/abi.h"
#include "datapath/map_walk.h"
#include "datapath/service_codec.h"

namespace nodeplane::datapath {

namespace {

Result<ConntrackEntry> decode(const np_ct_key& key, const np_ct_value& value) {
    auto source = decodeAddress(key.family, key.saddr, NP_MAP_CONNTRACK);
    if (!source) return source.error();
    auto destination = decodeAddress(key.family, key.daddr, NP_MAP_CONNTRACK);
    if (!destination) return destination.error();
    ConntrackEntry out;
    out.direction = key.direction == NP_CT_REPLY ? ConntrackDirection::Reply : ConntrackDirection::Original;
    out.protocol = static_cast<L4Protocol>(key.protocol);
    out.source = *source;
    out.sourcePort = ntohs(key.sport);
    out.destination = *destination;
    out.destinationPort = ntohs(key.dport);
    out.createdNs = value.created_ns;
    out.lastSeenNs = value.last_seen_ns;
    out.revNatId = value.rev_nat_id;
    out.backendId = value.backend_id;
    out.tcpFlags = value.tcp_flags;
    out.closing = value.flags & NP_CT_F_CLOSING;
    out.external = value.flags & NP_CT_F_EXTERNAL;
    out.snat = value.flags & NP_CT_F_SNAT;
    if (out.snat) {
        auto nat = decodeAddress(key.family, value.nat_addr, NP_MAP_CONNTRACK);
        if (!nat) return nat.error();
        out.natAddress = *nat;
        out.natPort = ntohs(value.nat_port);
    }
    return out;
}

// Deletes the keys `select` picks, walking first: deleting during a hash
// walk restarts it.
template <typename Select>
Result<std::size_t> eraseWhere(int mapFd, Select&& select) {
    std::vector<np_ct_key> doomed;
    auto walked = walkMap<np_ct_key, np_ct_value>(mapFd, NP_MAP_CONNTRACK, walkLimit(mapFd),
                                                  [&](const np_ct_key& key, const np_ct_value& value) -> Status {
                                                      if (select(value)) doomed.push_back(key);
                                                      return {};
                                                  });
    if (!walked) return walked.error();
    std::size_t erased = 0;
    for (const auto& key : doomed) {
        if (::bpf_map_delete_elem(mapFd, &key) == 0)
            ++erased;
        else if (errno != ENOENT)
            return Error::fromErrno(errno, "Failed to delete from " NP_MAP_CONNTRACK);
    }
    return erased;
}

std::string endpoint(const IpAddress& address, std::uint16_t port) {
    return (address.isV4() ? address.toString() : "[" + address.toString() + "]") + ":" + std::to_string(port);
}

}  // namespace

Result<std::vector<ConntrackEntry>> BpfConntrackTable::list() const {
    std::vector<ConntrackEntry> out;
    auto walked = walkMap<np_ct_key, np_ct_value>(mapFd_, NP_MAP_CONNTRACK, walkLimit(mapFd_),
                                                  [&](const np_ct_key& key, const np_ct_value& value) -> Status {
                                                      auto entry = decode(key, value);
                                                      if (!entry) return entry.error();
                                                      out.push_back(*entry);
                                                      return {};
                                                  });
    if (!walked) return walked.error();
    return out;
}

Result<std::size_t> BpfConntrackTable::flush() {
    return eraseWhere(mapFd_, [](const np_ct_value&) { return true; });
}

Result<std::size_t> BpfConntrackTable::eraseByBackend(BackendId backend) {
    return eraseWhere(mapFd_, [backend](const np_ct_value& value) { return value.backend_id == backend; });
}

std::string formatConntrackEntry(const ConntrackEntry& e) {
    const char* proto = e.protocol == L4Protocol::Tcp ? "tcp" : e.protocol == L4Protocol::Udp ? "udp" : "sctp";
    std::string flags;
    const char names[] = {'F', 'S', 'R', 'P', 'A', 'U', 'E', 'C'};  // TCP flag bits 0..7
    for (int bit = 0; bit < 8; ++bit)
        if (e.tcpFlags & (1u << bit)) flags += names[bit];
    std::string line = std::string(proto) + " " + endpoint(e.source, e.sourcePort) + " -> " +
                       endpoint(e.destination, e.destinationPort) +
                       (e.direction == ConntrackDirection::Reply ? " reply" : " original") + " backend " +
                       std::to_string(e.backendId) + " rev-nat " + std::to_string(e.revNatId);
    if (!flags.empty()) line += " flags " + flags;
    if (e.snat)
        line += (e.direction == ConntrackDirection::Reply ? " client " : " snat ") + endpoint(e.natAddress, e.natPort);
    if (e.external) line += " external";
    if (e.closing) line += " closing";
    return line;
}

}  // namespace nodeplane::datapath
