// Conntrack, backend and rev-NAT tables in memory, and flows built the way
// the datapath writes them (np_ct_create_v4): client 10.200.1.10 to the
// ClusterIP 10.96.0.10:80 (rev-NAT 3), translated to backend 7,
// 10.200.1.11:8080.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "datapath/backends.h"
#include "datapath/conntrack.h"

namespace nodeplane::daemon::test {

using datapath::Backend;
using datapath::BackendId;
using datapath::ConntrackDirection;
using datapath::ConntrackEntry;
using datapath::ConntrackKey;
using datapath::L4Protocol;
using datapath::RevNatTarget;

inline constexpr std::uint64_t kSecond = 1'000'000'000;
// CLOCK_MONOTONIC "now" of the tests: ten days after boot, so that flows
// can be made up to that far in the past.
inline constexpr std::uint64_t kNow = 10 * 86400 * kSecond;

inline IpAddress ipOf(const char* text) { return *IpAddress::parse(text); }

struct FakeConntrackTable : datapath::ConntrackTable {
    std::map<ConntrackKey, ConntrackEntry> entries;
    mutable int lookups = 0;
    std::vector<ConntrackKey> erased;  // in the order erase() removed them
    std::optional<std::string> failLookups;
    std::uint32_t size = 1024;

    void add(const ConntrackEntry& e) { entries[keyOf(e)] = e; }
    bool has(const ConntrackEntry& e) const { return entries.contains(keyOf(e)); }

    Result<std::vector<ConntrackEntry>> list() const override {
        std::vector<ConntrackEntry> out;
        for (const auto& [key, e] : entries) out.push_back(e);
        return out;
    }
    Status forEach(const Visitor& visit) const override {
        const auto snapshot = entries;  // the visitor may look up, like the real walk
        for (const auto& [key, e] : snapshot)
            if (auto ok = visit(e); !ok) return ok;
        return {};
    }
    Result<std::optional<ConntrackEntry>> lookup(const ConntrackKey& key) const override {
        ++lookups;
        if (failLookups) return Error::fromErrno(EPERM, *failLookups);
        auto it = entries.find(key);
        if (it == entries.end()) return std::optional<ConntrackEntry>{};
        return std::optional<ConntrackEntry>(it->second);
    }
    Result<bool> erase(const ConntrackKey& key) override {
        if (!entries.erase(key)) return false;
        erased.push_back(key);
        return true;
    }
    Result<std::size_t> flush() override {
        std::size_t n = entries.size();
        entries.clear();
        return n;
    }
    Result<std::size_t> eraseByBackend(BackendId id) override {
        return std::erase_if(entries, [id](const auto& kv) { return kv.second.backendId == id; });
    }
    Result<std::uint32_t> capacity() const override { return size; }
};

struct FakeBackendTable : datapath::BackendTable {
    std::map<BackendId, Backend> entries;
    std::optional<std::string> failList;
    Result<std::map<BackendId, Backend>> list() const override {
        if (failList) return Error::logical(*failList);
        return entries;
    }
    Status upsert(BackendId id, const Backend& b) override {
        entries[id] = b;
        return {};
    }
    Status erase(BackendId id) override {
        entries.erase(id);
        return {};
    }
};

struct FakeRevNatTable : datapath::RevNatTable {
    std::map<std::uint32_t, RevNatTarget> entries;
    Result<std::map<std::uint32_t, RevNatTarget>> list() const override { return entries; }
    Status upsert(std::uint32_t id, const RevNatTarget& t) override {
        entries[id] = t;
        return {};
    }
    Status erase(std::uint32_t id) override {
        entries.erase(id);
        return {};
    }
};

// The two entries of one translated flow, as np_ct_create_v4 writes them.
struct TestFlow {
    ConntrackEntry original;
    ConntrackEntry reply;
};

struct FlowSpec {
    L4Protocol protocol = L4Protocol::Tcp;
    const char* client = "10.200.1.10";
    std::uint16_t clientPort = 40000;
    const char* frontend = "10.96.0.10";
    std::uint16_t frontendPort = 80;
    const char* backend = "10.200.1.11";
    std::uint16_t backendPort = 8080;
    BackendId backendId = 7;
    std::uint32_t revNatId = 3;
};

// Created `ageSeconds` before kNow with its first packet's TCP flags (SYN
// for TCP); neither entry refreshed since.
inline TestFlow makeFlow(std::uint64_t ageSeconds, const FlowSpec& spec = {}) {
    TestFlow f;
    ConntrackEntry& o = f.original;
    o.direction = ConntrackDirection::Original;
    o.protocol = spec.protocol;
    o.source = ipOf(spec.client);
    o.sourcePort = spec.clientPort;
    o.destination = ipOf(spec.frontend);
    o.destinationPort = spec.frontendPort;
    o.createdNs = o.lastSeenNs = kNow - ageSeconds * kSecond;
    o.revNatId = spec.revNatId;
    o.backendId = spec.backendId;
    o.tcpFlags = spec.protocol == L4Protocol::Tcp ? 0x02 : 0;
    ConntrackEntry& r = f.reply;
    r = o;
    r.direction = ConntrackDirection::Reply;
    r.source = ipOf(spec.backend);
    r.sourcePort = spec.backendPort;
    r.destination = o.source;
    r.destinationPort = o.sourcePort;
    r.tcpFlags = 0;
    return f;
}

// The backend answered `idleSeconds` before kNow (SYN-ACK for TCP), and the
// client's last packet (its ACK) went at the same time.
inline TestFlow replied(TestFlow f, std::uint64_t idleSeconds) {
    f.reply.lastSeenNs = f.original.lastSeenNs = kNow - idleSeconds * kSecond;
    if (f.original.protocol == L4Protocol::Tcp) {
        f.reply.tcpFlags = 0x12;
        f.original.tcpFlags |= 0x10;
    }
    return f;
}

// Source NAT to nat:natPort, as the SNAT step writes it: the REPLY is keyed
// at the translated client and keeps the client's own address.
inline TestFlow masqueraded(TestFlow f, const char* nat, std::uint16_t natPort) {
    f.original.snat = f.reply.snat = true;
    f.original.natAddress = ipOf(nat);
    f.original.natPort = natPort;
    f.reply.natAddress = f.original.source;
    f.reply.natPort = f.original.sourcePort;
    f.reply.destination = ipOf(nat);
    f.reply.destinationPort = natPort;
    return f;
}

// The tables the flows of FlowSpec{} name: backend 7 and rev-NAT 3.
struct FakeTables {
    FakeConntrackTable conntrack;
    FakeBackendTable backends;
    FakeRevNatTable revNat;

    FakeTables() {
        backends.entries[7] = Backend{ipOf("10.200.1.11"), 8080, L4Protocol::Tcp, true, false};
        revNat.entries[3] = RevNatTarget{ipOf("10.96.0.10"), 80};
    }
    void add(const TestFlow& f) {
        conntrack.add(f.original);
        conntrack.add(f.reply);
    }
};

}  // namespace nodeplane::daemon::test
