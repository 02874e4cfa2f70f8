#include "datapath/stats.h"

#include <bpf/bpf.h>

#include <cerrno>

#include "datapath/abi.h"
#include "datapath/names.h"
#include "datapath/per_cpu.h"

namespace nodeplane::datapath {

namespace {

Result<np_counter> readCounter(int fd, const void* key) {
    auto read = sumPerCpuCounter(fd, key);
    if (!read) return read.error();
    return read->value_or(np_counter{});
}

// Every index below `count` that has a name, with its summed counter.
template <typename Enum, typename NameFn>
Result<std::vector<NamedCounter>> readNamed(int fd, std::uint32_t first, std::uint32_t count, NameFn name,
                                            const char* mapName) {
    std::vector<NamedCounter> out;
    for (std::uint32_t index = first; index < count; ++index) {
        auto label = name(static_cast<Enum>(index));
        if (label.empty()) continue;
        auto counter = readCounter(fd, &index);
        if (!counter) return Error{counter.error().errnum, counter.error().message + " in " + mapName};
        out.push_back(NamedCounter{std::string(label), counter->packets, counter->bytes});
    }
    return out;
}

}  // namespace

Result<IfaceCounters> BpfDatapathStats::interfaceCounters(int ifindex) const {
    IfaceCounters out;
    np_iface_stats_key key{static_cast<__u32>(ifindex), NP_DIR_INGRESS};
    auto rx = readCounter(ifaceStatsFd_, &key);
    if (!rx) return rx.error();
    key.direction = NP_DIR_EGRESS;
    auto tx = readCounter(ifaceStatsFd_, &key);
    if (!tx) return tx.error();
    out.rxPackets = rx->packets;
    out.rxBytes = rx->bytes;
    out.txPackets = tx->packets;
    out.txBytes = tx->bytes;
    return out;
}

Result<std::vector<NamedCounter>> BpfDatapathStats::counters() const {
    return readNamed<np_stat>(statsFd_, 0, NP_STAT__COUNT, statName, NP_MAP_STATS);
}

Result<std::vector<NamedCounter>> BpfDatapathStats::drops() const {
    return readNamed<np_drop_reason>(dropsFd_, 1, NP_DROP__COUNT, dropReasonName, NP_MAP_DROPS);
}

Status BpfDatapathStats::forgetInterface(int ifindex) {
    for (__u32 direction : {NP_DIR_INGRESS, NP_DIR_EGRESS}) {
        np_iface_stats_key key{static_cast<__u32>(ifindex), direction};
        if (::bpf_map_delete_elem(ifaceStatsFd_, &key) != 0 && errno != ENOENT)
            return Error::fromErrno(errno, "Failed to delete the counters of ifindex " + std::to_string(ifindex) +
                                               " from " NP_MAP_IFACE_STATS);
    }
    return {};
}

}  // namespace nodeplane::datapath
