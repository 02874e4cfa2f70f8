// In-memory stand-ins for the kernel behind the reconciler's ports. They
// record every write so tests assert what was changed, not only the outcome.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "daemon/host_ports.h"

namespace nodeplane::daemon::testing {

struct FakeLinks : LinkView {
    std::map<std::string, int> byName;
    std::optional<int> ifindexOf(const std::string& name) const override {
        auto it = byName.find(name);
        if (it == byName.end()) return std::nullopt;
        return it->second;
    }
};

struct FakeEndpoints : EndpointMap {
    std::map<IpAddress, EndpointEntry> entries;
    int writes = 0;
    int erases = 0;
    Result<std::map<IpAddress, EndpointEntry>> list() override { return entries; }
    Status upsert(const IpAddress& ip, const EndpointEntry& e) override {
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

struct FakeRoutes : PodRoutes {
    std::set<PodRoute> routes;
    int writes = 0;
    Result<std::vector<PodRoute>> listOwned() override { return std::vector<PodRoute>(routes.begin(), routes.end()); }
    Status replace(const PodRoute& r) override {
        ++writes;
        std::erase_if(routes, [&](const PodRoute& x) { return x.ip == r.ip; });
        routes.insert(r);
        return {};
    }
    Status remove(const PodRoute& r) override {
        routes.erase(r);
        return {};
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
