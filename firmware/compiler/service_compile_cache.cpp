#include "compiler/service_compile_cache.h"

#include <algorithm>
#include <iterator>
#include <tuple>

namespace nodeplane::compiler {

void ServiceCompileCache::takeBackPorts() {
    auto& ports = result_.desired.ports;
    std::size_t next = 0;
    for (Entry* entry : lentTo_) {
        auto first = ports.begin() + static_cast<std::ptrdiff_t>(next);
        entry->compiled.ports.assign(std::make_move_iterator(first),
                                     std::make_move_iterator(first + static_cast<std::ptrdiff_t>(entry->lentPorts)));
        next += entry->lentPorts;
        entry->lentPorts = 0;
    }
    lentTo_.clear();
    result_ = ServicesResult{};
}

bool ServiceCompileCache::sameInputs(const Entry& entry, const state::Service& service,
                                     const std::vector<const state::EndpointSlice*>& slices) {
    if (!(entry.service == service) || entry.slices.size() != slices.size()) return false;
    for (std::size_t i = 0; i < slices.size(); ++i)
        if (!(entry.slices[i] == *slices[i])) return false;
    return true;
}

const ServicesResult& ServiceCompileCache::compile(const state::Model& model, const ServiceLimits& limits) {
    takeBackPorts();
    lastCompiled_ = 0;
    ++compiles_;
    NodeFacts node = nodeFactsOf(model);
    if (node != node_) {
        // Every service reads the node's name (local endpoints), zone
        // (topology hints) and addresses (NodePorts).
        entries_.clear();
        node_ = std::move(node);
    }

    std::vector<const state::Service*> services;
    services.reserve(model.services.size());
    for (const auto& s : model.services) services.push_back(&s);
    std::sort(services.begin(), services.end(), [](const auto* a, const auto* b) {
        return std::tie(a->namespace_, a->name) < std::tie(b->namespace_, b->name);
    });
    // Slices by (namespace, service) and name: sorted once, walked beside the services.
    std::vector<const state::EndpointSlice*> slices;
    slices.reserve(model.endpointSlices.size());
    for (const auto& s : model.endpointSlices) slices.push_back(&s);
    std::sort(slices.begin(), slices.end(), [](const auto* a, const auto* b) {
        return std::tie(a->namespace_, a->service, a->name) < std::tie(b->namespace_, b->service, b->name);
    });

    std::vector<ServiceInOrder> inOrder;
    inOrder.reserve(services.size());
    std::vector<Entry*> used;
    used.reserve(services.size());
    auto slice = slices.begin();
    auto entry = entries_.begin();
    std::vector<const state::EndpointSlice*> mine;
    for (const auto* svc : services) {
        auto key = std::tie(svc->namespace_, svc->name);
        while (slice != slices.end() && std::tie((*slice)->namespace_, (*slice)->service) < key) ++slice;
        mine.clear();
        for (; slice != slices.end() && std::tie((*slice)->namespace_, (*slice)->service) == key; ++slice)
            mine.push_back(*slice);
        // Entries are in the same order: the services before this one that
        // are gone stay behind and are dropped below.
        while (entry != entries_.end() && std::tie(entry->first.first, entry->first.second) < key) ++entry;
        if (entry == entries_.end() || std::tie(entry->first.first, entry->first.second) != key)
            entry = entries_.emplace_hint(entry, Key{svc->namespace_, svc->name}, Entry{});
        Entry& e = entry->second;
        if (used.empty() || used.back() != &e) {
            if (!sameInputs(e, *svc, mine)) {
                e.service = *svc;
                e.slices.clear();
                for (const auto* s : mine) e.slices.push_back(*s);
                e.compiled = compileService(*svc, mine, node_);
                ++lastCompiled_;
            }
            used.push_back(&e);
            e.seenIn = compiles_;
        }
        inOrder.push_back({svc, &e.compiled});
        ++entry;
    }
    // Services no longer in the state.
    std::erase_if(entries_, [&](const auto& kv) { return kv.second.seenIn != compiles_; });
    for (Entry* e : used) e->lentPorts = e->compiled.ports.size();
    result_ = assembleServices(inOrder, limits);
    lentTo_ = std::move(used);
    return result_;
}

}  // namespace nodeplane::compiler
