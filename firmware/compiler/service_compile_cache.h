// compileServices() for a daemon that compiles the state again on every
// change: each service's result is kept with the inputs it came from (the
// Service, its EndpointSlices, this node's name, zone and addresses), and a
// service whose inputs are equal to last time is not compiled again. The
// whole-state steps (capacity across services, frontends shared between
// services) still run over every service, so the result is compileServices()'s.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compiler/service_compile.h"

namespace nodeplane::compiler {

class ServiceCompileCache {
public:
    // compileServices(model, limits). The result stays valid until the next
    // compile(): the services' ports are lent to it, not copied.
    const ServicesResult& compile(const state::Model& model, const ServiceLimits& limits);

    // Services the last compile() compiled; the others came from the cache.
    std::size_t lastCompiled() const { return lastCompiled_; }

private:
    struct Entry {
        state::Service service;
        std::vector<state::EndpointSlice> slices;
        CompiledService compiled;
        std::size_t lentPorts = 0;  // moved into result_ until the next compile()
        std::uint64_t seenIn = 0;   // the last compile() whose state had the service
    };
    using Key = std::pair<std::string, std::string>;  // namespace, name: compileServices()'s order

    // Moves the ports lent to the last result back into their entries.
    void takeBackPorts();
    static bool sameInputs(const Entry& entry, const state::Service& service,
                           const std::vector<const state::EndpointSlice*>& slices);

    NodeFacts node_;
    std::map<Key, Entry> entries_;
    std::vector<Entry*> lentTo_;  // entries in result_'s port order
    ServicesResult result_;
    std::size_t lastCompiled_ = 0;
    std::uint64_t compiles_ = 0;
};

}  // namespace nodeplane::compiler
