// Typed access to the policy maps: np_ipcache_v1 (address prefix -> identity
// and ipBlock class) and np_policy_v1 (endpoint, direction, remote identity,
// protocol and port prefix -> the policy that allows it). Daemon-written.
#pragma once

#include <cstdint>
#include <map>

#include "common/ip.h"
#include "common/result.h"
#include "policy/desired_policy.h"

namespace nodeplane::datapath {

struct PolicyMapKey {
    std::uint32_t endpointId = 0;
    policy::PolicyEntryKey entry;

    auto operator<=>(const PolicyMapKey&) const = default;
};

class IpcacheTable {
public:
    virtual ~IpcacheTable() = default;

    virtual Result<std::map<IpPrefix, policy::IpcacheEntry>> list() const = 0;
    virtual Status upsert(const IpPrefix& prefix, const policy::IpcacheEntry& entry) = 0;
    virtual Status erase(const IpPrefix& prefix) = 0;
};

class PolicyTable {
public:
    virtual ~PolicyTable() = default;

    virtual Result<std::map<PolicyMapKey, std::uint32_t>> list() const = 0;  // -> policy id
    virtual Status upsert(const PolicyMapKey& key, std::uint32_t policyId) = 0;
    virtual Status erase(const PolicyMapKey& key) = 0;
};

class BpfIpcacheTable final : public IpcacheTable {
public:
    explicit BpfIpcacheTable(int mapFd) : mapFd_(mapFd) {}

    Result<std::map<IpPrefix, policy::IpcacheEntry>> list() const override;
    Status upsert(const IpPrefix& prefix, const policy::IpcacheEntry& entry) override;
    Status erase(const IpPrefix& prefix) override;

private:
    int mapFd_;
};

class BpfPolicyTable final : public PolicyTable {
public:
    explicit BpfPolicyTable(int mapFd) : mapFd_(mapFd) {}

    Result<std::map<PolicyMapKey, std::uint32_t>> list() const override;
    Status upsert(const PolicyMapKey& key, std::uint32_t policyId) override;
    Status erase(const PolicyMapKey& key) override;

private:
    int mapFd_;
};

}  // namespace nodeplane::datapath
