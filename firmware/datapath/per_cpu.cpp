#include "datapath/per_cpu.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <vector>

namespace nodeplane::datapath {

Result<std::optional<np_counter>> sumPerCpuCounter(int mapFd, const void* key) {
    static_assert(sizeof(np_counter) % 8 == 0, "per-CPU values are laid out at 8-byte strides");
    int cpus = ::libbpf_num_possible_cpus();
    if (cpus <= 0) return Error::fromErrno(cpus, "Failed to count the possible CPUs");

    std::vector<np_counter> perCpu(static_cast<std::size_t>(cpus));
    if (int err = ::bpf_map_lookup_elem(mapFd, key, perCpu.data()); err != 0) {
        if (errno == ENOENT) return std::optional<np_counter>{};
        return Error::fromErrno(err, "Failed to read a per-CPU counter");
    }
    np_counter sum{};
    for (const auto& c : perCpu) {
        sum.packets += c.packets;
        sum.bytes += c.bytes;
    }
    return std::optional<np_counter>{sum};
}

}  // namespace nodeplane::datapath
