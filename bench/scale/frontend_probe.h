// Reads one frontend of the pinned np_services_v1 straight from the bpf
// filesystem, the way the datapath sees it: the moment its backend count
// changes is the moment packets use the new backend set (the two-half flip).
// One lookup per call, so it can be polled fast next to a busy daemon.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "common/unique_fd.h"
#include "datapath/service_types.h"

namespace nodeplane::bench {

class FrontendProbe {
public:
    // `mapsDir`: the daemon's <[datapath] bpffs>/maps.
    static Result<FrontendProbe> open(const std::string& mapsDir);

    // The frontend's backend count; nullopt when the map has no such frontend.
    Result<std::optional<std::uint32_t>> backendCount(const datapath::FrontendKey& key) const;

private:
    explicit FrontendProbe(UniqueFd map) : map_(std::move(map)) {}
    UniqueFd map_;
};

}  // namespace nodeplane::bench
