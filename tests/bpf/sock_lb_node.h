// The miniature node the socket hook tests share: the datapath in a scratch
// network namespace whose loopback carries the backends' addresses (pods B
// and C), the hooks attached to a scratch cgroup, the node's namespace named
// as the one to translate, and services published through the daemon's
// typed tables.
#pragma once

#include <CppUTest/TestHarness.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "datapath/netns_cookie.h"
#include "nodeplane/abi/maps.h"
#include "service_test_support.h"
#include "sock_lb_support.h"
#include "support/command.h"
#include "support/counters.h"

namespace nodeplane::test {

inline constexpr std::uint16_t kDnsPort = 53;
inline constexpr std::uint16_t kDnsBackendPort = 5353;

inline void checkOk(const Status& status) { CHECK_TEXT(status.ok(), status.ok() ? "" : status.error().message.c_str()); }

struct SocketNode {
    std::unique_ptr<DatapathFixture> node;
    std::unique_ptr<ScratchCgroup> cgroup;

    void build() {
        orFail([&] {
            node = std::make_unique<DatapathFixture>();
            for (const char* ip : {kPodB, kPodC})
                runOrThrow({"ip", "addr", "add", std::string(ip) + "/32", "dev", "lo"}, node->netns().fd());
            cgroup = std::make_unique<ScratchCgroup>();
        });
        auto cookie = datapath::currentNetnsCookie();  // the fixture's namespace: the test thread is in it
        CHECK_TEXT(cookie.ok(), cookie.ok() ? "" : cookie.error().message.c_str());
        checkOk(dp().setNodeNetnsCookie(*cookie));
        checkOk(dp().attachSocketHooks(cgroup->path()));
    }

    // The hooks go first, then the cgroup (its children are gone by now),
    // then the namespace and the bpffs with every pin.
    void tearDown() {
        if (node) (void)dp().detachSocketHooks();
        cgroup.reset();
        node.reset();
    }

    datapath::Datapath& dp() { return node->datapath(); }

    // As the reconciler publishes: backends, rev-NAT, the set, the frontend.
    void publish(const datapath::FrontendKey& key, const datapath::FrontendValue& value,
                 const std::vector<std::pair<datapath::BackendId, datapath::Backend>>& backends) {
        std::vector<datapath::BackendId> ids;
        for (const auto& [id, backend] : backends) {
            checkOk(dp().backends().upsert(id, backend));
            ids.push_back(id);
        }
        checkOk(dp().revNat().upsert(value.revNatId, {key.address, key.port}));
        checkOk(dp().services().replaceBackendSet(value.serviceId, ids));
        checkOk(dp().services().upsert(key, value));
    }

    // kVip:80/TCP -> the given backends (service 1, rev-NAT 1).
    void publishWeb(const std::vector<std::pair<datapath::BackendId, datapath::Backend>>& backends,
                    datapath::FrontendFlags flags = {}, std::uint32_t affinitySeconds = 0) {
        publish(frontendOf(kVip, kVipPort), datapath::FrontendValue{1, 1, flags, affinitySeconds}, backends);
    }

    // kVip:53/UDP -> pod B:5353 (service 2, rev-NAT 2).
    void publishDns() {
        publish(frontendOf(kVip, kDnsPort, datapath::L4Protocol::Udp), datapath::FrontendValue{2, 2, {}, 0},
                {{20, backendAt(kPodB, kDnsBackendPort, true, datapath::L4Protocol::Udp)}});
    }

    // A socket hook counter ("sock_connect_translated", ...): syscalls, summed over CPUs.
    std::uint64_t stat(const char* name) { return statCounter(dp().stats(), name).packets; }

    std::uint32_t mapEntries(const char* name) {
        auto maps = dp().maps();
        CHECK_TRUE(maps.ok());
        for (const auto& m : *maps)
            if (m.name == name) return m.entries;
        FAIL((std::string("no map ") + name).c_str());
        return 0;
    }
};

}  // namespace nodeplane::test
