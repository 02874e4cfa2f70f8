#include "support/bench_baseline.h"

#include <cerrno>

#include "np_bench_empty.skel.h"

namespace nodeplane::test {

void EmptyBaseline::Destroy::operator()(np_bench_empty* skel) const noexcept { np_bench_empty__destroy(skel); }

Result<EmptyBaseline> EmptyBaseline::load() {
    std::unique_ptr<np_bench_empty, Destroy> skel(np_bench_empty__open_and_load());
    if (!skel) return Error::fromErrno(errno, "Failed to load the empty baseline program");
    return EmptyBaseline(std::move(skel));
}

int EmptyBaseline::programFd() const { return bpf_program__fd(skel_->progs.np_bench_empty); }

}  // namespace nodeplane::test
