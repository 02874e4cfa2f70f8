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

void ServiceCompileCache::refreshEntry(Entry& entry, const state::Service& service,
                                       const std::vector<const state::EndpointSlice*>& slices) {
    if (sameInputs(entry, service, slices)) return;
    entry.service = service;
    entry.slices.clear();
    for (const auto* s : slices) entry.slices.push_back(*s);
    entry.compiled = compileService(service, slices, node_);
    ++lastCompiled_;
    if (!changed_.all) changed_.services.insert(serviceKey(service));
}

void ServiceCompileCache::compileAll(const state::Model& model) {
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
        // A second Service of the same key (validation refuses it) is not another entry.
        if (e.seenIn != compiles_) refreshEntry(e, *svc, mine);
        e.seenIn = compiles_;
        ++entry;
    }
    // Services no longer in the state.
    std::erase_if(entries_, [&](const auto& kv) {
        if (kv.second.seenIn == compiles_) return false;
        if (!changed_.all) changed_.services.insert(kv.first.first + "/" + kv.first.second);
        return true;
    });
}

std::vector<ServiceCompileCache::Pending> ServiceCompileCache::findTouched(const state::Model& model,
                                                                        const std::set<Key>& touched) const {
    // One pass over the model finds the touched services and their slices:
    // a lookup in a set of a few keys, not a sort of every object.
    std::map<Key, Pending> found;
    for (const auto& key : touched) found[key].key = key;
    for (const auto& s : model.services)
        if (auto it = found.find(Key{s.namespace_, s.name}); it != found.end()) it->second.service = &s;
    for (const auto& s : model.endpointSlices)
        if (auto it = found.find(Key{s.namespace_, s.service}); it != found.end()) it->second.slices.push_back(&s);

    std::vector<Pending> pending;
    for (auto& [key, p] : found) {
        auto entry = entries_.find(key);
        if (!p.service) {
            if (entry != entries_.end()) pending.push_back(std::move(p));
            continue;
        }
        std::sort(p.slices.begin(), p.slices.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
        if (entry != entries_.end() && sameInputs(entry->second, *p.service, p.slices)) continue;
        // Lines added above a service in its file move it, nothing more: its
        // compiled form stands (only refusals quote where it is).
        if (entry != entries_.end() && entry->second.compiled.errors.empty() &&
            samePlacedElsewhere(entry->second, *p.service, p.slices)) {
            p.movedOnly = true;
            pending.push_back(std::move(p));
            continue;
        }
        p.compiled = compileService(*p.service, p.slices, node_);
        pending.push_back(std::move(p));
    }
    return pending;
}

bool ServiceCompileCache::samePlacedElsewhere(const Entry& entry, const state::Service& service,
                                              const std::vector<const state::EndpointSlice*>& slices) {
    if (entry.slices.size() != slices.size()) return false;
    state::Service placed = entry.service;
    placed.where = service.where;
    if (!(placed == service)) return false;
    for (std::size_t i = 0; i < slices.size(); ++i) {
        state::EndpointSlice slice = entry.slices[i];
        slice.where = slices[i]->where;
        if (!(slice == *slices[i])) return false;
    }
    return true;
}

void ServiceCompileCache::store(Pending& p, Entry& entry) {
    if (p.movedOnly) {
        entry.service.where = p.service->where;
        for (std::size_t i = 0; i < p.slices.size(); ++i) entry.slices[i].where = p.slices[i]->where;
        return;
    }
    entry.service = *p.service;
    entry.slices.clear();
    for (const auto* s : p.slices) entry.slices.push_back(*s);
    entry.compiled = std::move(p.compiled);
    ++lastCompiled_;
    if (!changed_.all) changed_.services.insert(serviceKey(*p.service));
}

bool ServiceCompileCache::patch(std::vector<Pending>& pending, const ServiceLimits& limits) {
    // The last result stands for every service but these: it must have been
    // whole (no refusal, no frontend two services claim) and under the same limits.
    if (lentTo_.empty() || !result_.ok() || !result_.warnings.empty() ||
        limits.maxBackendEntries != limits_.maxBackendEntries || limits.maxServices != limits_.maxServices)
        return false;
    DesiredServices& d = result_.desired;
    std::uint64_t backendEntries = d.backendEntries;
    auto entriesOf = [](const ServicePortBackends& b) { return b.endpoints.cluster.size() + b.endpoints.local.size(); };
    for (const auto& p : pending) {
        auto it = entries_.find(p.key);
        if (!p.service || it == entries_.end()) return false;  // a service came or went
        const Entry& e = it->second;
        if (p.movedOnly) continue;
        // Only the backends changed: same frontends (so same ports, same
        // order), same ClusterIPs and health check port, nothing refused.
        if (e.compiled.skipped || p.compiled.skipped || !e.compiled.errors.empty() || !p.compiled.errors.empty() ||
            p.compiled.ports.size() != e.lentPorts || !(p.compiled.frontends == e.compiled.frontends) ||
            p.compiled.healthCheck != e.compiled.healthCheck || p.service->clusterIPs != e.service.clusterIPs ||
            p.service->healthCheckNodePort != e.service.healthCheckNodePort)
            return false;
        for (std::size_t i = 0; i < e.lentPorts; ++i) {
            backendEntries -= entriesOf(d.ports[e.portBase + i]);
            backendEntries += entriesOf(p.compiled.ports[i]);
        }
    }
    if (backendEntries > limits.maxBackendEntries) return false;  // assembleServices() words that error

    for (auto& p : pending) {
        Entry& e = entries_.find(p.key)->second;
        if (p.movedOnly) {
            store(p, e);
            continue;
        }
        for (std::size_t i = 0; i < e.lentPorts; ++i) d.ports[e.portBase + i] = std::move(p.compiled.ports[i]);
        p.compiled.ports.clear();
        const std::string key = serviceKey(*p.service);
        if (p.compiled.localReady)
            d.localReadyEndpoints[key] = p.compiled.localReady;
        else
            d.localReadyEndpoints.erase(key);
        for (auto& h : d.healthChecks)
            if (h.service == key) h.localEndpoints = p.compiled.localReady;
        store(p, e);
    }
    d.backendEntries = backendEntries;
    return true;
}

const ServicesResult& ServiceCompileCache::compile(const state::Model& model, const ServiceLimits& limits,
                                                   const std::set<Key>* touched) {
    lastCompiled_ = 0;
    ++compiles_;
    NodeFacts node = nodeFactsOf(model);
    const bool nodeChanged = node != node_;
    if (touched && !nodeChanged && compiles_ > 1) {
        auto pending = findTouched(model, *touched);
        // The usual change (a service's endpoints) is patched into the last result.
        if (patch(pending, limits)) return result_;
        takeBackPorts();
        for (auto& p : pending) {
            if (p.service) {
                store(p, entries_[p.key]);
            } else {
                entries_.erase(p.key);
                if (!changed_.all) changed_.services.insert(p.key.first + "/" + p.key.second);
            }
        }
    } else {
        takeBackPorts();
        if (nodeChanged || compiles_ == 1) {
            // Every service reads the node's name (local endpoints), zone
            // (topology hints) and addresses (NodePorts).
            entries_.clear();
            node_ = std::move(node);
            changed_.all = true;
            changed_.services.clear();
        }
        compileAll(model);
    }

    // Every service, in compileServices()'s (namespace, name) order, from the
    // entries: each holds a copy of its Service equal to the model's.
    std::vector<ServiceInOrder> inOrder;
    inOrder.reserve(entries_.size());
    lentTo_.reserve(entries_.size());
    for (auto& [key, e] : entries_) {
        inOrder.push_back({&e.service, &e.compiled});
        e.lentPorts = e.compiled.ports.size();
        lentTo_.push_back(&e);
    }
    result_ = assembleServices(inOrder, limits);
    limits_ = limits;
    // Where each service's ports now are (skipped services lend none).
    std::size_t base = 0;
    for (Entry* e : lentTo_) {
        e->portBase = base;
        base += e->lentPorts;
    }
    return result_;
}

ServiceCompileCache::Changed ServiceCompileCache::takeChanged() {
    Changed out = std::move(changed_);
    changed_ = Changed{.all = false, .services = {}};
    return out;
}

}  // namespace nodeplane::compiler
