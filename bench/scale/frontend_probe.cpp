#include "scale/frontend_probe.h"

#include <bpf/bpf.h>

#include <cerrno>

#include "datapath/abi.h"
#include "datapath/service_codec.h"

namespace nodeplane::bench {

Result<FrontendProbe> FrontendProbe::open(const std::string& mapsDir) {
    const std::string path = mapsDir + "/" NP_MAP_SERVICES;
    UniqueFd fd(::bpf_obj_get(path.c_str()));
    if (!fd.valid()) return Error::fromErrno(errno, "Failed to open the pinned map '" + path + "'");
    return FrontendProbe(std::move(fd));
}

Result<std::optional<std::uint32_t>> FrontendProbe::backendCount(const datapath::FrontendKey& key) const {
    const np_service_key raw = datapath::encodeFrontendKey(key);
    np_service_value value{};
    if (::bpf_map_lookup_elem(map_.get(), &raw, &value) != 0) {
        if (errno == ENOENT) return std::optional<std::uint32_t>();
        return Error::fromErrno(errno, "Failed to read a frontend from " NP_MAP_SERVICES);
    }
    return std::optional<std::uint32_t>(value.backend_count);
}

}  // namespace nodeplane::bench
