// The empty tc program (bpf/bench/empty.bpf.c), loaded for benchmarks: its
// ns/packet is the fixed cost of BPF_PROG_TEST_RUN itself.
#pragma once

#include <memory>

#include "common/result.h"

struct np_bench_empty;

namespace nodeplane::test {

class EmptyBaseline {
public:
    static Result<EmptyBaseline> load();
    int programFd() const;

private:
    struct Destroy {
        void operator()(np_bench_empty* skel) const noexcept;
    };
    explicit EmptyBaseline(std::unique_ptr<np_bench_empty, Destroy> skel) : skel_(std::move(skel)) {}
    std::unique_ptr<np_bench_empty, Destroy> skel_;
};

}  // namespace nodeplane::test
