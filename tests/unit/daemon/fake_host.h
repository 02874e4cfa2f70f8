// In-memory stand-ins for the kernel behind the reconciler's ports. They
// record every write so tests assert what was changed, not only the outcome.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "daemon/host_ports.h"
#include "datapath/local_endpoints.h"
#include "netlink/route_table.h"

namespace nodeplane::daemon::testing {

struct FakeLinks : LinkView {
    std::map<std::string, int> byName;
    std::optional<int> ifindexOf(const std::string& name) const override {
        auto it = byName.find(name);
        if (it == byName.end()) return std::nullopt;
        return it->second;
    }
};

struct FakeEndpoints : datapath::LocalEndpointTable {
    std::map<IpAddress, datapath::LocalEndpoint> entries;
    int writes = 0;
    int erases = 0;
    Result<std::map<IpAddress, datapath::LocalEndpoint>> list() const override { return entries; }
    Status upsert(const IpAddress& ip, const datapath::LocalEndpoint& e) override {
        ++writes;
        entries[ip] = e;
        return {};
    }
    Status erase(const IpAddress& ip) override {
        ++erases;
        entries.erase(ip);
        return {};
    }
};

// Keyed like the kernel's main table: one route per destination (and metric,
// which we never set), so a replace with a new device overwrites. Every write
// is logged in order ("replace 10.0.0.1/32", "remove ..."), and a destination
// in `refusing` fails its replace with that errno, as the kernel would.
struct FakeRoutes : netlink::RouteTable {
    std::map<IpPrefix, netlink::Route> routes;
    std::map<IpPrefix, int> refusing;
    std::vector<std::string> operations;
    int writes = 0;
    Result<std::vector<netlink::Route>> listOwned() override {
        std::vector<netlink::Route> out;
        for (const auto& [dst, r] : routes) out.push_back(r);
        return out;
    }
    Status replace(const netlink::Route& r) override {
        operations.push_back("replace " + r.destination.toString());
        if (auto refused = refusing.find(r.destination); refused != refusing.end())
            return Error::fromErrno(refused->second, "Failed to replace route " + r.destination.toString());
        ++writes;
        routes[r.destination] = r;
        return {};
    }
    Status remove(const netlink::Route& r) override {
        operations.push_back("remove " + r.destination.toString());
        auto it = routes.find(r.destination);
        if (it != routes.end() && it->second.oif == r.oif && it->second.gateway == r.gateway) routes.erase(it);
        return {};
    }
    bool has(const char* ip, int ifindex) const {
        auto it = routes.find(IpPrefix{*IpAddress::parse(ip), IpAddress::parse(ip)->bitLength()});
        return it != routes.end() && it->second.oif == ifindex;
    }
    // "<cidr> via <gateway>", as Route::via() builds it.
    bool hasVia(const char* cidr, const char* gateway) const {
        auto it = routes.find(*IpPrefix::parse(cidr));
        return it != routes.end() && it->second == netlink::Route::via(*IpPrefix::parse(cidr), *IpAddress::parse(gateway));
    }
};

struct FakePrograms : ProgramAttacher {
    std::map<int, InterfaceRole> attached;
    std::vector<int> attachCalls;
    std::set<int> failing;  // ifindexes whose attach fails (e.g. link vanished)
    Status attach(int ifindex, InterfaceRole role) override {
        attachCalls.push_back(ifindex);
        if (failing.contains(ifindex)) return Error::fromErrno(ENODEV, "Failed to attach");
        attached[ifindex] = role;
        return {};
    }
    Status detach(int ifindex) override {
        attached.erase(ifindex);
        return {};
    }
};

}  // namespace nodeplane::daemon::testing
