// compileServices() for a daemon that compiles the state again on every
// change: each service's result is kept with the inputs it came from (the
// Service, its EndpointSlices, this node's name, zone and addresses), and a
// service whose inputs are equal to last time is not compiled again. The
// whole-state steps (capacity across services, frontends shared between
// services) still run over every service, so the result is compileServices()'s.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "compiler/service_compile.h"

namespace nodeplane::compiler {

class ServiceCompileCache {
public:
    // compileServices(model, limits). The result stays valid until the next
    // compile(): the services' ports are lent to it, not copied.
    //
    // With `touched` (the services, as (namespace, name), whose Service or
    // EndpointSlices changed since the model of the last compile():
    // state::SnapshotChanges::servicesTouched() summed over the loads in
    // between) only those are looked at again; the others are taken as they
    // were. Without it, or when this node's facts changed, every service is
    // compared.
    using Key = std::pair<std::string, std::string>;  // namespace, name: compileServices()'s order
    const ServicesResult& compile(const state::Model& model, const ServiceLimits& limits,
                                  const std::set<Key>* touched = nullptr);

    // Services the last compile() compiled; the others came from the cache.
    std::size_t lastCompiled() const { return lastCompiled_; }

    // Services ("namespace/name") compiled anew, added or gone since the
    // last takeChanged(), and whether that was all of them (this node's facts
    // changed, or the first compile): what a plan made from the results must
    // look at again.
    struct Changed {
        bool all = true;
        std::set<std::string> services;
    };
    Changed takeChanged();

private:
    struct Entry {
        state::Service service;
        std::vector<state::EndpointSlice> slices;
        CompiledService compiled;
        std::size_t lentPorts = 0;  // moved into result_ until the next compile()
        std::size_t portBase = 0;   // where in result_'s ports
        std::uint64_t seenIn = 0;   // the last compile() whose state had the service
    };
    // Moves the ports lent to the last result back into their entries.
    void takeBackPorts();
    static bool sameInputs(const Entry& entry, const state::Service& service,
                           const std::vector<const state::EndpointSlice*>& slices);
    // Equal but for where the Service and its slices are in their files.
    static bool samePlacedElsewhere(const Entry& entry, const state::Service& service,
                                    const std::vector<const state::EndpointSlice*>& slices);
    // Brings `entry` to these inputs, compiling only when they differ.
    void refreshEntry(Entry& entry, const state::Service& service,
                      const std::vector<const state::EndpointSlice*>& slices);
    // Every service of the model, compared with its entry.
    void compileAll(const state::Model& model);
    // A touched service whose inputs differ from its entry's (or that is
    // gone: no service), compiled but not stored yet.
    struct Pending {
        Key key;
        const state::Service* service = nullptr;
        std::vector<const state::EndpointSlice*> slices;  // in name order
        CompiledService compiled;
        bool movedOnly = false;  // only where it is in its file changed: not compiled
    };
    std::vector<Pending> findTouched(const state::Model& model, const std::set<Key>& touched) const;
    // Makes `entry` hold what `p` compiled.
    void store(Pending& p, Entry& entry);
    // Puts `pending` into the last result where they only change backends
    // (the ports stay lent); false, changing nothing, when the whole result
    // must be assembled again.
    bool patch(std::vector<Pending>& pending, const ServiceLimits& limits);

    NodeFacts node_;
    std::map<Key, Entry> entries_;
    std::vector<Entry*> lentTo_;  // entries in result_'s port order
    ServicesResult result_;
    ServiceLimits limits_;  // result_'s
    std::size_t lastCompiled_ = 0;
    std::uint64_t compiles_ = 0;
    Changed changed_;
};

}  // namespace nodeplane::compiler
