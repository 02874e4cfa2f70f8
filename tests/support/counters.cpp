#include "support/counters.h"

#include <stdexcept>
#include <string>

namespace nodeplane::test {

namespace {

datapath::NamedCounter find(const Result<std::vector<datapath::NamedCounter>>& all, std::string_view name,
                            const char* kind) {
    if (!all) throw std::runtime_error(all.error().message);
    for (const auto& counter : *all)
        if (counter.name == name) return counter;
    throw std::runtime_error(std::string("no ") + kind + " counter named '" + std::string(name) + "'");
}

}  // namespace

datapath::NamedCounter statCounter(const datapath::DatapathStats& stats, std::string_view name) {
    return find(stats.counters(), name, "stat");
}

datapath::NamedCounter dropCounter(const datapath::DatapathStats& stats, std::string_view name) {
    return find(stats.drops(), name, "drop");
}

}  // namespace nodeplane::test
