#include "support/service_bench_fill.h"

#include <algorithm>
#include <map>
#include <vector>

namespace nodeplane::test {

namespace {

constexpr std::uint32_t kFrontendBase = 0x0a60000a;  // 10.96.0.10
constexpr std::uint32_t kBackendBase = 0x0a800000;   // 10.128.0.0/9: remote pods
constexpr std::uint32_t kHotFrontend = 0x0a60fffe;   // 10.96.255.254

Status addFrontend(datapath::Datapath& dp, const IpAddress& address, std::uint32_t serviceId) {
    datapath::FrontendKey key{address, kBenchServicePort, datapath::L4Protocol::Tcp, datapath::ServiceScope::Internal};
    // Service id doubles as rev-NAT id: one frontend per service here.
    if (auto ok = dp.services().upsert(key, {serviceId, serviceId, {}, 0}); !ok) return ok;
    return dp.revNat().upsert(serviceId, {address, kBenchServicePort});
}

}  // namespace

Result<ServiceFill> fillServices(datapath::Datapath& dp, std::uint32_t backendEntries) {
    if (backendEntries == 0) return Error::logical("fillServices: at least one backend");
    ServiceFill fill;
    fill.frontendBase = kFrontendBase;
    fill.backendEntries = backendEntries;
    fill.backendBase = kBackendBase;
    // All sets first, then the frontends: one grace period for the batch.
    std::map<std::uint32_t, std::vector<datapath::BackendId>> sets;
    datapath::BackendId next = 1;
    for (std::uint32_t left = backendEntries; left > 0;) {
        const std::uint32_t here = std::min(left, kBenchBackendsPerService);
        auto& ids = sets[++fill.services];
        ids.reserve(here);
        for (std::uint32_t i = 0; i < here; ++i, ++next) {
            datapath::Backend b;
            b.address = IpAddress::v4(kBackendBase + next);
            b.port = kBenchBackendPort;
            if (auto ok = dp.backends().upsert(next, b); !ok) return ok.error();
            ids.push_back(next);
        }
        left -= here;
    }
    const std::uint32_t hotService = fill.services + 1;
    fill.hotFrontend = IpAddress::v4(kHotFrontend);
    datapath::Backend hot;
    hot.address = fill.hotFrontend;
    hot.port = kBenchServicePort;
    if (auto ok = dp.backends().upsert(next, hot); !ok) return ok.error();
    sets[hotService] = {next};

    if (auto ok = dp.services().replaceBackendSets(sets); !ok) return ok.error();
    for (std::uint32_t s = 1; s <= fill.services; ++s)
        if (auto ok = addFrontend(dp, IpAddress::v4(kFrontendBase + s - 1), s); !ok) return ok.error();
    if (auto ok = addFrontend(dp, fill.hotFrontend, hotService); !ok) return ok.error();
    return fill;
}

}  // namespace nodeplane::test
