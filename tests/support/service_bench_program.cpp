#include "support/service_bench_program.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>

#include "common/unique_fd.h"
#include "np_bench_service.skel.h"

namespace nodeplane::test {

Status shareDatapathMaps(bpf_object* object) {
    bpf_map* map = nullptr;
    bpf_object__for_each_map(map, object) {
        const char* pin = bpf_map__pin_path(map);
        if (pin == nullptr) continue;  // .bss, .rodata, unpinned maps: the bench object's own
        UniqueFd fd(::bpf_obj_get(pin));
        if (!fd.valid())
            return Error::fromErrno(errno, std::string("The bench program needs the datapath's map ") + pin);
        if (int err = bpf_map__reuse_fd(map, fd.get()); err != 0)
            return Error::fromErrno(err, std::string("Failed to share the datapath's map ") + pin);
    }
    return {};
}

void ServiceFlowProgram::Destroy::operator()(np_bench_service* skel) const noexcept { np_bench_service__destroy(skel); }

Result<ServiceFlowProgram> ServiceFlowProgram::load(const std::string& mapsDir, const FlowSpace& space) {
    // Filled by hand: LIBBPF_OPTS relies on GNU C extensions -Wpedantic rejects.
    bpf_object_open_opts opts{};
    opts.sz = sizeof(opts);
    opts.pin_root_path = mapsDir.c_str();
    std::unique_ptr<np_bench_service, Destroy> skel(np_bench_service__open_opts(&opts));
    if (!skel) return Error::fromErrno(errno, "Failed to open the bench service program");
    if (auto shared = shareDatapathMaps(skel->obj); !shared) return shared.error();
    skel->rodata->np_bench_client_base = space.clientBase;
    skel->rodata->np_bench_clients = space.clients;
    skel->rodata->np_bench_frontend_base = space.frontendBase;
    skel->rodata->np_bench_frontends = space.frontends;
    skel->rodata->np_bench_frontend_port = space.frontendPort;
    // As Datapath::open sets it: the size of the shared backend array.
    skel->rodata->np_backends_entries = bpf_map__max_entries(skel->maps.np_backends_v2);
    if (int err = np_bench_service__load(skel.get()); err != 0)
        return Error::fromErrno(err, "Failed to load the bench service program");
    return ServiceFlowProgram(std::move(skel));
}

int ServiceFlowProgram::serviceFlowFd() const { return bpf_program__fd(skel_->progs.np_bench_service_flow); }

int ServiceFlowProgram::flowOnlyFd() const { return bpf_program__fd(skel_->progs.np_bench_flow_only); }

void ServiceFlowProgram::startFlows(std::uint64_t next, std::uint64_t window) {
    // The bss is mmap()ed: the program reads these on its next run.
    skel_->bss->np_bench_next = next;
    skel_->bss->np_bench_window = window;
}

std::uint64_t ServiceFlowProgram::nextFlow() const { return skel_->bss->np_bench_next; }

}  // namespace nodeplane::test
