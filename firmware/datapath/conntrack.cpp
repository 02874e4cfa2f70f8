#include "datapath/conntrack.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "datapath/abi.h"
#include "datapath/map_walk.h"
#include "datapath/service_codec.h"

namespace nodeplane::datapath {

namespace {

// Entries per BPF_MAP_LOOKUP_BATCH call: 352 KiB of buffers.
constexpr std::size_t kWalkBatchEntries = 4096;

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
    out.policy = value.flags & NP_CT_F_POLICY;
    out.replied = value.flags & NP_CT_F_REPLIED;
    out.serviceFlow = value.flags & NP_CT_F_SERVICE_FLOW;
    if (out.snat) {
        auto nat = decodeAddress(key.family, value.nat_addr, NP_MAP_CONNTRACK);
        if (!nat) return nat.error();
        out.natAddress = *nat;
        out.natPort = ntohs(value.nat_port);
    }
    return out;
}

Result<np_ct_key> encode(const ConntrackKey& key) {
    if (key.source.family != key.destination.family)
        return Error::logical("A conntrack key needs both addresses in one family, got '" + key.source.toString() +
                              "' and '" + key.destination.toString() + "'");
    np_ct_key out{};  // every byte is hashed: padding and unused address bytes stay 0
    out.family = familyByte(key.source);
    out.protocol = static_cast<std::uint8_t>(key.protocol);
    out.direction = key.direction == ConntrackDirection::Reply ? NP_CT_REPLY : NP_CT_ORIGINAL;
    out.sport = htons(key.sourcePort);
    out.dport = htons(key.destinationPort);
    std::memcpy(out.saddr, key.source.bytes.data(), sizeof(out.saddr));
    std::memcpy(out.daddr, key.destination.bytes.data(), sizeof(out.daddr));
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
    auto walked = forEach([&](const ConntrackEntry& entry) -> Status {
        out.push_back(entry);
        return {};
    });
    if (!walked) return walked.error();
    return out;
}

Status BpfConntrackTable::forEach(const Visitor& visit) const {
    auto decodeAndVisit = [&](const np_ct_key& key, const np_ct_value& value) -> Status {
        auto entry = decode(key, value);
        if (!entry) return entry.error();
        return visit(*entry);
    };
    // The table can hold a million entries; key by key that is two
    // syscalls each, in batches (BPF_MAP_LOOKUP_BATCH, hash maps since
    // Linux 5.6) one per few thousand. Batches go bucket by bucket, so an
    // entry the datapath deletes meanwhile does not restart the walk either.
    std::vector<np_ct_key> keys(kWalkBatchEntries);
    std::vector<np_ct_value> values(kWalkBatchEntries);
    bpf_map_batch_opts opts{};
    opts.sz = sizeof(opts);
    std::uint32_t token = 0;  // hash maps resume at a bucket index
    bool first = true;
    for (;;) {
        std::uint32_t next = 0;
        std::uint32_t count = static_cast<std::uint32_t>(keys.size());
        int err = ::bpf_map_lookup_batch(mapFd_, first ? nullptr : &token, &next, keys.data(), values.data(), &count,
                                         &opts);
        const bool last = err < 0 && -err == ENOENT;
        if (err < 0 && !last) {
            if (-err == ENOSPC && count == 0) {  // one bucket holds more than a batch
                keys.resize(2 * keys.size());
                values.resize(keys.size());
                continue;
            }
            return Error::fromErrno(err, "Failed to walk " NP_MAP_CONNTRACK);
        }
        for (std::uint32_t i = 0; i < count; ++i)
            if (auto ok = decodeAndVisit(keys[i], values[i]); !ok) return ok;
        if (last) return {};
        token = next;
        first = false;
    }
}

Result<std::optional<ConntrackEntry>> BpfConntrackTable::lookup(const ConntrackKey& key) const {
    auto raw = encode(key);
    if (!raw) return raw.error();
    np_ct_value value{};
    if (::bpf_map_lookup_elem(mapFd_, &*raw, &value) != 0) {
        if (errno == ENOENT) return std::optional<ConntrackEntry>{};
        return Error::fromErrno(errno, "Failed to read from " NP_MAP_CONNTRACK);
    }
    auto entry = decode(*raw, value);
    if (!entry) return entry.error();
    return std::optional<ConntrackEntry>(std::move(*entry));
}

Result<bool> BpfConntrackTable::erase(const ConntrackKey& key) {
    auto raw = encode(key);
    if (!raw) return raw.error();
    if (::bpf_map_delete_elem(mapFd_, &*raw) == 0) return true;
    if (errno == ENOENT) return false;
    return Error::fromErrno(errno, "Failed to delete from " NP_MAP_CONNTRACK);
}

Result<std::uint32_t> BpfConntrackTable::capacity() const {
    bpf_map_info info{};
    std::uint32_t len = sizeof(info);
    if (int err = ::bpf_obj_get_info_by_fd(mapFd_, &info, &len); err != 0)
        return Error::fromErrno(err, "Failed to inspect " NP_MAP_CONNTRACK);
    return info.max_entries;
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
