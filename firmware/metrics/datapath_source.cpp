#include "metrics/datapath_source.h"

#include "datapath/datapath.h"

namespace nodeplane::metrics {

Result<std::vector<datapath::NamedCounter>> LoadedDatapathSource::counters() const {
    return datapath_.stats().counters();
}

Result<std::vector<datapath::NamedCounter>> LoadedDatapathSource::drops() const { return datapath_.stats().drops(); }

Result<datapath::IfaceCounters> LoadedDatapathSource::interfaceCounters(int ifindex) const {
    return datapath_.stats().interfaceCounters(ifindex);
}

Result<std::vector<datapath::MapInfo>> LoadedDatapathSource::maps() const {
    const auto now = std::chrono::steady_clock::now();
    if (maps_ && now - mapsReadAt_ < mapsMaxAge_) return *maps_;
    auto maps = datapath_.maps();
    if (!maps) return maps.error();
    maps_ = *maps;
    mapsReadAt_ = now;
    return maps;
}

}  // namespace nodeplane::metrics
