// What the metrics read from the datapath at each scrape, behind a narrow
// interface so the collector is tested without root.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "common/result.h"
#include "datapath/map_info.h"
#include "datapath/stats.h"

namespace nodeplane::datapath {
class Datapath;
}

namespace nodeplane::metrics {

class DatapathSource {
public:
    virtual ~DatapathSource() = default;
    virtual Result<std::vector<datapath::NamedCounter>> counters() const = 0;
    virtual Result<std::vector<datapath::NamedCounter>> drops() const = 0;
    virtual Result<datapath::IfaceCounters> interfaceCounters(int ifindex) const = 0;
    virtual Result<std::vector<datapath::MapInfo>> maps() const = 0;
};

// Over the daemon's loaded Datapath, which must outlive it.
//
// Map fill of a hash map is counted by walking its keys (map_info.h): one
// syscall per entry, about a second for a full 1M-entry conntrack table, on
// the daemon's loop. So the map listing is read again only when the last one
// is older than `mapsMaxAge`, not at every scrape.
class LoadedDatapathSource final : public DatapathSource {
public:
    explicit LoadedDatapathSource(datapath::Datapath& datapath,
                                  std::chrono::steady_clock::duration mapsMaxAge = std::chrono::seconds(30))
        : datapath_(datapath), mapsMaxAge_(mapsMaxAge) {}

    Result<std::vector<datapath::NamedCounter>> counters() const override;
    Result<std::vector<datapath::NamedCounter>> drops() const override;
    Result<datapath::IfaceCounters> interfaceCounters(int ifindex) const override;
    Result<std::vector<datapath::MapInfo>> maps() const override;

private:
    datapath::Datapath& datapath_;
    std::chrono::steady_clock::duration mapsMaxAge_;
    mutable std::optional<std::vector<datapath::MapInfo>> maps_;
    mutable std::chrono::steady_clock::time_point mapsReadAt_;
};

}  // namespace nodeplane::metrics
