// [[endpointSlices]]: a Service's backends with their conditions, as
// discovery.k8s.io/v1 writes them.
#include <algorithm>

#include "config/name_syntax.h"
#include "state/field_readers.h"
#include "state/object_readers.h"

namespace nodeplane::state {
namespace {

using config::checkedString;

constexpr std::size_t kMaxAddressesPerEndpoint = 100;  // discovery/v1 Endpoint.addresses

void readSlicePorts(TableReader& r, EndpointSlice& slice) {
    std::vector<std::pair<std::string, std::string>> names;  // name, its path
    r.forEachTable("ports", [&](TableReader& p, std::size_t) {
        EndpointPort port;
        if (auto name = p.converted("name", checkedString(config::checkDnsLabel))) {
            auto seen = std::find_if(names.begin(), names.end(), [&](const auto& n) { return n.first == *name; });
            if (seen != names.end())
                p.error(*p.table().get("name"), "name", "'" + *name + "' is also the name of " + seen->second);
            else
                names.emplace_back(*name, p.path());
            port.name = *name;
        }
        port.port = readPort(p, "port", Need::Required).value_or(0);
        port.protocol = readProtocol(p);
        slice.ports.push_back(std::move(port));
    });
}

void readAddresses(TableReader& e, const std::optional<AddressType>& addressType, Endpoint& endpoint) {
    auto addresses = e.items("addresses", toIp, Need::Required);
    if (!addresses) return;
    const toml::node& given = *e.table().get("addresses");
    std::size_t count = given.as_array()->size();
    if (count == 0) e.error(given, "addresses", "must list at least one address");
    if (count > kMaxAddressesPerEndpoint)
        e.error(given, "addresses", "lists " + std::to_string(count) + " addresses; at most 100 are allowed");
    for (auto& address : *addresses) {
        if (addressType) {
            bool v4 = *addressType == AddressType::IPv4;
            if (address.value.isV4() != v4) {
                e.errorAt(address.node->source(), address.path,
                          address.value.toString() + " is not an IPv" + (v4 ? "4" : "6") +
                              " address, but addressType is IPv" + (v4 ? "4" : "6"));
                continue;
            }
        }
        endpoint.addresses.push_back(address.value);
    }
}

Endpoint readEndpoint(TableReader& e, const EndpointSlice& slice, const std::optional<AddressType>& addressType,
                      bool named, ParsedSnapshot& out) {
    Endpoint endpoint;
    readAddresses(e, addressType, endpoint);

    e.withTable("conditions", [&](TableReader& c) {
        // discovery/v1 EndpointConditions: nil ready means ready, nil serving
        // takes the value of ready, nil terminating means not terminating.
        auto ready = c.boolean("ready");
        auto serving = c.boolean("serving");
        auto terminating = c.boolean("terminating");
        endpoint.conditions.ready = ready.value_or(true);
        endpoint.conditions.serving = serving.value_or(endpoint.conditions.ready);
        endpoint.conditions.terminating = terminating.value_or(false);
    });

    if (auto nodeName = e.converted("nodeName", checkedString(config::checkDnsSubdomain))) {
        endpoint.nodeName = *nodeName;
        out.references.push_back(Reference{Reference::Target::Node, "", *nodeName,
                                           siteOf(e, *e.table().get("nodeName"), "nodeName")});
    }
    endpoint.zone = e.string("zone").value_or("");

    e.withTable("hints", [&](TableReader& h) {
        h.forEachTable("forZones", [&](TableReader& z, std::size_t) {
            if (auto zone = z.string("name", Need::Required)) endpoint.hintsForZones.push_back(*zone);
        });
    });

    e.withTable("targetRef", [&](TableReader& t) {
        auto kind = t.string("kind", Need::Required);
        auto namespace_ = t.converted("namespace", checkedString(config::checkDnsLabel));
        auto name = t.string("name", Need::Required);
        if (!kind || !name) return;
        // An empty namespace in an ObjectReference means the referrer's.
        ObjectRef ref{*kind, namespace_.value_or(slice.namespace_), *name};
        if (ref.kind == "Pod" && named)
            out.references.push_back(Reference{Reference::Target::Pod, ref.namespace_, ref.name,
                                               siteOf(e, *e.table().get("targetRef"), "targetRef")});
        endpoint.targetRef = std::move(ref);
    });
    return endpoint;
}

}  // namespace

void readEndpointSlice(TableReader& r, ParsedSnapshot& out) {
    EndpointSlice slice;
    slice.where = locationOf(r, r.table().source());
    auto id = readIdentity(r, "EndpointSlice", Scope::Namespaced, config::checkDnsSubdomain, out);
    if (id) slice.namespace_ = id->namespace_;

    // The kubernetes.io/service-name label: without it kube-proxy ignores the
    // slice, so here it is required.
    if (auto service = r.converted("service", checkedString(config::checkDns1035Label), Need::Required)) {
        slice.service = *service;
        if (id)
            out.references.push_back(Reference{Reference::Target::Service, id->namespace_, *service,
                                               siteOf(r, *r.table().get("service"), "service")});
    }
    // Required by the API; FQDN slices carry no addresses a datapath can use.
    auto addressType = r.oneOf<AddressType>("addressType", {{"IPv4", AddressType::IPv4}, {"IPv6", AddressType::IPv6}},
                                            Need::Required);
    slice.addressType = addressType.value_or(AddressType::IPv4);

    readSlicePorts(r, slice);
    r.forEachTable("endpoints", [&](TableReader& e, std::size_t) {
        slice.endpoints.push_back(readEndpoint(e, slice, addressType, id.has_value(), out));
    });

    if (!id) return;
    slice.name = id->name;
    out.model.endpointSlices.push_back(std::move(slice));
}

}  // namespace nodeplane::state
