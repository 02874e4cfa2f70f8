#include "support/service_bench_probe.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>

#include "datapath/abi.h"
#include "datapath/service_codec.h"
#include "np_bench_probe.skel.h"
#include "support/service_bench_program.h"

namespace nodeplane::test {

namespace {

// The probe's own copies of the backends, entry for entry.
Status copyBackends(datapath::Datapath& dp, const np_bench_probe& skel) {
    auto backends = dp.backends().list();
    if (!backends) return backends.error();
    const int fit = bpf_map__fd(skel.maps.np_probe_backends_fit);
    const int array = bpf_map__fd(skel.maps.np_probe_backends_array);
    for (const auto& [id, backend] : *backends) {
        const np_backend raw = datapath::encodeBackend(backend, id);
        if (::bpf_map_update_elem(fit, &id, &raw, BPF_ANY) != 0 ||
            ::bpf_map_update_elem(array, &id, &raw, BPF_ANY) != 0)
            return Error::fromErrno(errno, "Failed to copy backend " + std::to_string(id) + " into the probe's maps");
    }
    return {};
}

}  // namespace

const char* probeName(Probe probe) {
    switch (probe) {
        case Probe::KeyOnly:
            return "key only";
        case Probe::Backend:
            return "backend, shipped (array)";
        case Probe::BackendFit:
            return "backend, hash sized to fill";
        case Probe::BackendArray:
            return "backend, array";
        case Probe::Slot:
            return "frontend + slot";
        case Probe::Endpoint:
            return "endpoint of backend (miss)";
    }
    return "?";
}

void LookupProbe::Destroy::operator()(np_bench_probe* skel) const noexcept { np_bench_probe__destroy(skel); }

Result<LookupProbe> LookupProbe::load(datapath::Datapath& dp, const ServiceFill& fill) {
    const std::string mapsDir = dp.bpffs() + "/maps";
    // Filled by hand: LIBBPF_OPTS relies on GNU C extensions -Wpedantic rejects.
    bpf_object_open_opts opts{};
    opts.sz = sizeof(opts);
    opts.pin_root_path = mapsDir.c_str();
    std::unique_ptr<np_bench_probe, Destroy> skel(np_bench_probe__open_opts(&opts));
    if (!skel) return Error::fromErrno(errno, "Failed to open the lookup probes");
    if (auto shared = shareDatapathMaps(skel->obj); !shared) return shared.error();
    // Backend ids 1..n, plus the hot service's n + 1.
    const std::uint32_t entries = fill.backendEntries + 2;
    if (int err = bpf_map__set_max_entries(skel->maps.np_probe_backends_fit, entries); err != 0)
        return Error::fromErrno(err, "Failed to size the probe's hash");
    if (int err = bpf_map__set_max_entries(skel->maps.np_probe_backends_array, entries); err != 0)
        return Error::fromErrno(err, "Failed to size the probe's array");
    skel->rodata->np_probe_backends = fill.backendEntries;
    skel->rodata->np_probe_frontend_base = fill.frontendBase;
    skel->rodata->np_probe_frontend_port = kBenchServicePort;
    skel->rodata->np_probe_backend_base = fill.backendBase;
    skel->rodata->np_backends_entries = bpf_map__max_entries(skel->maps.np_backends_v2);
    if (int err = np_bench_probe__load(skel.get()); err != 0)
        return Error::fromErrno(err, "Failed to load the lookup probes");
    if (auto ok = copyBackends(dp, *skel); !ok) return ok.error();
    return LookupProbe(std::move(skel));
}

int LookupProbe::programFd(Probe probe) const {
    const auto& p = skel_->progs;
    switch (probe) {
        case Probe::KeyOnly:
            return bpf_program__fd(p.np_probe_key_only);
        case Probe::Backend:
            return bpf_program__fd(p.np_probe_backend);
        case Probe::BackendFit:
            return bpf_program__fd(p.np_probe_backend_fit);
        case Probe::BackendArray:
            return bpf_program__fd(p.np_probe_backend_array);
        case Probe::Slot:
            return bpf_program__fd(p.np_probe_slot);
        case Probe::Endpoint:
            return bpf_program__fd(p.np_probe_endpoint);
    }
    return -1;
}

std::uint64_t LookupProbe::wrongLookups() const { return skel_->bss->np_probe_wrong; }

}  // namespace nodeplane::test
