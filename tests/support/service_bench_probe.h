// The lookup probes (bpf/bench/lookup_probe.bpf.c): one map lookup of the
// service path per test_run repetition, keyed by backend ids spread over
// the fill, so a cost that grows with the backend count can be pinned on a
// map, and compared with the same entries in a hash sized to the fill and
// in an array indexed by backend id.
#pragma once

#include <cstdint>
#include <memory>

#include "common/result.h"
#include "datapath/datapath.h"
#include "support/service_bench_fill.h"

struct np_bench_probe;

namespace nodeplane::test {

enum class Probe { KeyOnly, Backend, BackendFit, BackendArray, Slot, Endpoint };
inline constexpr Probe kProbes[] = {Probe::KeyOnly,      Probe::Backend, Probe::BackendFit,
                                    Probe::BackendArray, Probe::Slot,    Probe::Endpoint};

// "backend (hash, shipped)", ...: for tables.
const char* probeName(Probe probe);

class LookupProbe {
public:
    // Loads the probes on `dp`'s maps (filled by fillServices, described by
    // `fill`) and copies its backends into the probe's own hash and array.
    static Result<LookupProbe> load(datapath::Datapath& dp, const ServiceFill& fill);

    int programFd(Probe probe) const;
    // Lookups that found what they should not have, or missed what they
    // should have found, since load: 0 unless the probes are wrong.
    std::uint64_t wrongLookups() const;

private:
    struct Destroy {
        void operator()(np_bench_probe* skel) const noexcept;
    };
    explicit LookupProbe(std::unique_ptr<np_bench_probe, Destroy> skel) : skel_(std::move(skel)) {}
    std::unique_ptr<np_bench_probe, Destroy> skel_;
};

}  // namespace nodeplane::test
