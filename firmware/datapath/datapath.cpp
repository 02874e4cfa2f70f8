#include "datapath/datapath.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstring>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "common/c_handle.h"
#include "common/unique_fd.h"
#include "datapath/abi.h"
#include "datapath/bpffs.h"
#include "datapath/cgroup.h"
#include "datapath/cgroup_links.h"
#include "datapath/cluster_ip_ranges.h"
#include "datapath/map_migration.h"
#include "datapath/names.h"
#include "datapath/policy_abi.h"
#include "datapath/tc.h"
#include "nodeplane_bpf.skel.h"

namespace nodeplane::datapath {

static_assert(Options{}.eventsRingBytes == NP_DEFAULT_EVENTS_RING_BYTES);

namespace {

using Skeleton = CHandle<nodeplane_bpf, nodeplane_bpf__destroy>;

constexpr std::array kPrograms = {Program::FromPod,      Program::ToPod,        Program::FromNetdev,
                                  Program::ToNetdev,     Program::SockConnect4, Program::SockSendmsg4,
                                  Program::SockRecvmsg4, Program::SockGetpeername4};
constexpr std::array kSocketHooks = {Program::SockConnect4, Program::SockSendmsg4, Program::SockRecvmsg4,
                                     Program::SockGetpeername4};

bpf_program* programOf(const Skeleton& skel, Program program) {
    switch (program) {
    case Program::FromPod: return skel->progs.np_from_pod;
    case Program::ToPod: return skel->progs.np_to_pod;
    case Program::FromNetdev: return skel->progs.np_from_netdev;
    case Program::ToNetdev: return skel->progs.np_to_netdev;
    case Program::SockConnect4: return skel->progs.np_sk_connect4;
    case Program::SockSendmsg4: return skel->progs.np_sk_sendmsg4;
    case Program::SockRecvmsg4: return skel->progs.np_sk_recvmsg4;
    case Program::SockGetpeername4: return skel->progs.np_sk_peername4;
    }
    return nullptr;
}

Result<std::uint32_t> programId(int progFd) {
    bpf_prog_info info{};
    std::uint32_t len = sizeof(info);
    if (int err = ::bpf_obj_get_info_by_fd(progFd, &info, &len); err != 0)
        return Error::fromErrno(err, "Failed to inspect a loaded program");
    return info.id;
}

// The kernel's name for a program that is not one of ours (a predecessor's).
std::string kernelProgramName(std::uint32_t id) {
    UniqueFd fd(::bpf_prog_get_fd_by_id(id));
    if (!fd.valid()) return {};
    bpf_prog_info info{};
    std::uint32_t len = sizeof(info);
    if (::bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) return {};
    return info.name;
}

std::string withoutTrailingSlashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

Status checkSizes(const Options& options) {
    if (options.maxLocalEndpoints == 0) return Error::logical("max-local-endpoints must be at least 1");
    // Two entries per interface (ingress and egress) must fit max_entries.
    if (options.maxInterfaces == 0 || options.maxInterfaces > UINT32_MAX / 2)
        return Error::logical("max-interfaces must be between 1 and " + std::to_string(UINT32_MAX / 2));
    const std::pair<std::uint32_t, const char*> others[] = {
        {options.maxServices, "max-services"},       {options.maxBackends, "max-backends"},
        {options.maxBackendSlots, "max-backend-slots"}, {options.maxConntrack, "max-conntrack"},
        {options.maxAffinity, "max-affinity"},       {options.maxSourceRanges, "max-source-ranges"},
        {options.maxSocketReverse, "max-socket-reverse"}, {options.maxIpcache, "max-ipcache"},
        {options.maxPolicyEntries, "max-policy-entries"}};
    for (const auto& [value, name] : others)
        if (value == 0) return Error::logical(std::string(name) + " must be at least 1");
    if (auto ok = checkEventsRingBytes(options.eventsRingBytes); !ok) return ok;
    if (options.eventsWakeupBytes > options.eventsRingBytes / 2)
        return Error::logical("the events wakeup mark must be at most half the ring (" +
                              std::to_string(options.eventsRingBytes / 2) + " bytes)");
    return {};
}

}  // namespace

std::string_view programName(Program program) {
    switch (program) {
    case Program::FromPod: return "np_from_pod";
    case Program::ToPod: return "np_to_pod";
    case Program::FromNetdev: return "np_from_netdev";
    case Program::ToNetdev: return "np_to_netdev";
    case Program::SockConnect4: return "np_sk_connect4";
    case Program::SockSendmsg4: return "np_sk_sendmsg4";
    case Program::SockRecvmsg4: return "np_sk_recvmsg4";
    case Program::SockGetpeername4: return "np_sk_peername4";  // the kernel keeps 15 characters
    }
    return {};
}

struct Datapath::Impl {
    Impl(Skeleton s, std::string dir)
        : skel(std::move(s)),
          bpffs(std::move(dir)),
          endpoints(bpf_map__fd(skel->maps.np_local_endpoints_v1), bpf_map__fd(skel->maps.np_endpoint_addrs_v1),
                    bpf_map__fd(skel->maps.np_isolated_addrs_v1)),
          services(bpf_map__fd(skel->maps.np_services_v2), bpf_map__fd(skel->maps.np_backend_slots_v2),
                   bpf_map__max_entries(skel->maps.np_backend_slots_v2), bpf_map__fd(skel->maps.np_service_addrs_v1)),
          backends(bpf_map__fd(skel->maps.np_backends_v2), bpf_map__fd(skel->maps.np_backend_spill_v1),
                   bpf_map__max_entries(skel->maps.np_backends_v2), bpf_map__fd(skel->maps.np_backend_addrs_v1)),
          revNat(bpf_map__fd(skel->maps.np_rev_nat_v1)),
          sourceRanges(bpf_map__fd(skel->maps.np_source_ranges_v1)),
          conntrack(bpf_map__fd(skel->maps.np_conntrack_v2)),
          ipcache(bpf_map__fd(skel->maps.np_ipcache_v1)),
          policy(bpf_map__fd(skel->maps.np_policy_v1)),
          stats(bpf_map__fd(skel->maps.np_iface_stats_v1), bpf_map__fd(skel->maps.np_stats_v1),
                bpf_map__fd(skel->maps.np_drops_v1)) {}

    Skeleton skel;
    std::string bpffs;
    std::optional<MapMigration> migration;  // until catchUpMigratedMaps()
    BpfLocalEndpointTable endpoints;
    BpfServiceTable services;
    BpfBackendTable backends;
    BpfRevNatTable revNat;
    BpfSourceRangeTable sourceRanges;
    BpfConntrackTable conntrack;
    BpfIpcacheTable ipcache;
    BpfPolicyTable policy;
    BpfDatapathStats stats;
    std::array<std::uint32_t, kPrograms.size()> programIds{};

    int fd(Program program) const { return bpf_program__fd(programOf(skel, program)); }
    // Where a socket hook's link is pinned: <bpffs>/links/<program name>.
    std::string linkPin(Program program) const { return bpffs + "/links/" + std::string(programName(program)); }

    Status attachPair(int ifindex, Program ingress, Program egress) {
        // Egress first: by the time ingress can redirect to this interface,
        // its egress side is already ours.
        if (auto ok = attachTc(ifindex, TcDirection::Egress, fd(egress), std::string(programName(egress))); !ok)
            return ok;
        return attachTc(ifindex, TcDirection::Ingress, fd(ingress), std::string(programName(ingress)));
    }

    Result<HookAttachment> describeHook(int ifindex, TcDirection direction) const {
        auto id = queryTc(ifindex, direction);
        if (!id) return id.error();
        HookAttachment hook;
        if (!id->has_value()) return hook;
        hook.attached = true;
        hook.progId = **id;
        for (std::size_t i = 0; i < kPrograms.size(); ++i) {
            if (programIds[i] == hook.progId) {
                hook.progName = programName(kPrograms[i]);
                hook.current = true;
            }
        }
        if (!hook.current) hook.progName = kernelProgramName(hook.progId);
        return hook;
    }
};

Datapath::Datapath(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Datapath::Datapath(Datapath&&) noexcept = default;
Datapath& Datapath::operator=(Datapath&&) noexcept = default;
Datapath::~Datapath() = default;

Result<Datapath> Datapath::open(const Options& options) {
    if (auto ok = checkSizes(options); !ok) return ok.error();
    if (auto ok = prepareBpffsDir(options.bpffs); !ok) return ok.error();
    const std::string bpffs = withoutTrailingSlashes(options.bpffs);
    const std::string mapsDir = bpffs + "/maps";
    const std::string progsDir = bpffs + "/progs";
    const std::string linksDir = bpffs + "/links";
    for (const auto& dir : {mapsDir, progsDir, linksDir})
        if (auto ok = makeDir(dir); !ok) return ok.error();

    // Maps declared with LIBBPF_PIN_BY_NAME are pinned at
    // <pin_root_path>/<name>, or adopted from there when already pinned.
    bpf_object_open_opts openOpts{};
    openOpts.sz = sizeof(openOpts);
    openOpts.pin_root_path = mapsDir.c_str();
    Skeleton skel(nodeplane_bpf__open_opts(&openOpts));
    if (!skel) return Error::fromErrno(errno, "Failed to open the datapath object");

    if (int err = bpf_map__set_max_entries(skel->maps.np_local_endpoints_v1, options.maxLocalEndpoints); err != 0)
        return Error::fromErrno(err, "Failed to size " NP_MAP_LOCAL_ENDPOINTS);
    if (int err = bpf_map__set_max_entries(skel->maps.np_iface_stats_v1, 2 * options.maxInterfaces); err != 0)
        return Error::fromErrno(err, "Failed to size " NP_MAP_IFACE_STATS);

    const std::pair<bpf_map*, std::uint32_t> sizes[] = {
        {skel->maps.np_services_v2, options.maxServices},
        {skel->maps.np_rev_nat_v1, options.maxServices},
        {skel->maps.np_backends_v2, options.maxBackends},
        {skel->maps.np_backend_spill_v1, options.maxBackends},
        {skel->maps.np_backend_slots_v2, options.maxBackendSlots},
        {skel->maps.np_conntrack_v2, options.maxConntrack},
        {skel->maps.np_affinity_v1, options.maxAffinity},
        {skel->maps.np_source_ranges_v1, options.maxSourceRanges},
        {skel->maps.np_sock_rev_v1, options.maxSocketReverse},
        {skel->maps.np_ipcache_v1, options.maxIpcache},
        {skel->maps.np_policy_v1, options.maxPolicyEntries}};
    for (const auto& [map, entries] : sizes)
        if (int err = bpf_map__set_max_entries(map, entries); err != 0)
            return Error::fromErrno(err, std::string("Failed to size ") + bpf_map__name(map));
    // A ring buffer's max_entries is its size in bytes.
    if (int err = bpf_map__set_max_entries(skel->maps.np_events_v1, options.eventsRingBytes); err != 0)
        return Error::fromErrno(err, "Failed to size " NP_MAP_EVENTS);

    // The datapath finds backend id `id` at index id % this (lib/lb.h).
    skel->rodata->np_backends_entries = options.maxBackends;
    skel->rodata->np_events_wakeup_bytes = options.eventsWakeupBytes;

    // Adopt, migrate or refuse what a predecessor pinned, before anything
    // is created (map_migration.h).
    auto migration = MapMigration::prepare(skel->obj, bpffs);
    if (!migration) return migration.error();

    if (int err = nodeplane_bpf__load(skel.get()); err != 0)
        return Error::fromErrno(err, "Failed to load the datapath programs into the kernel");
    if (auto ok = migration->complete(skel->obj); !ok) return ok.error();
    for (const auto& what : migration->report()) spdlog::info("Migrated the pinned map {}", what);

    auto impl = std::make_unique<Impl>(std::move(skel), bpffs);
    impl->migration.emplace(std::move(migration).value());
    // The endpoint filters must hold every entry a predecessor left before
    // these programs, which trust them, are attached anywhere.
    if (auto ok = impl->endpoints.adopt(); !ok) return ok.error();
    for (std::size_t i = 0; i < kPrograms.size(); ++i) {
        const int fd = impl->fd(kPrograms[i]);
        if (auto ok = pinReplacing(fd, progsDir + "/" + std::string(programName(kPrograms[i]))); !ok)
            return ok.error();
        auto id = programId(fd);
        if (!id) return id.error();
        impl->programIds[i] = *id;
    }
    return Datapath(std::move(impl));
}

Result<std::vector<std::string>> Datapath::catchUpMigratedMaps(bool last) {
    if (!impl_->migration) return std::vector<std::string>{};
    auto lines = impl_->migration->catchUp();
    if (last) impl_->migration.reset();  // the old maps go with the old programs
    return lines;
}

Status Datapath::attachPod(int ifindex) { return impl_->attachPair(ifindex, Program::FromPod, Program::ToPod); }

Status Datapath::attachExternal(int ifindex) {
    return impl_->attachPair(ifindex, Program::FromNetdev, Program::ToNetdev);
}

Status Datapath::detach(int ifindex) {
    // Ingress first, mirroring attach: nothing redirects here once the
    // interface stops sending into the datapath.
    if (auto ok = detachTc(ifindex, TcDirection::Ingress); !ok) return ok;
    return detachTc(ifindex, TcDirection::Egress);
}

Result<AttachInfo> Datapath::queryAttachment(int ifindex) const {
    AttachInfo info;
    auto ingress = impl_->describeHook(ifindex, TcDirection::Ingress);
    if (!ingress) return ingress.error();
    auto egress = impl_->describeHook(ifindex, TcDirection::Egress);
    if (!egress) return egress.error();
    info.ingress = std::move(*ingress);
    info.egress = std::move(*egress);
    return info;
}

Status Datapath::setPolicyRevision(std::uint32_t revision) {
    const std::uint32_t key = NP_POLICY_CONFIG_KEY;
    np_policy_config config{};
    config.revision = revision;
    if (int err = ::bpf_map_update_elem(bpf_map__fd(impl_->skel->maps.np_policy_config_v1), &key, &config, BPF_ANY);
        err != 0)
        return Error::fromErrno(errno, "Failed to write " NP_MAP_POLICY_CONFIG);
    return {};
}

Result<std::uint32_t> Datapath::policyRevision() const {
    const std::uint32_t key = NP_POLICY_CONFIG_KEY;
    np_policy_config config{};
    if (::bpf_map_lookup_elem(bpf_map__fd(impl_->skel->maps.np_policy_config_v1), &key, &config) != 0)
        return Error::fromErrno(errno, "Failed to read " NP_MAP_POLICY_CONFIG);
    return config.revision;
}

Status Datapath::setEventMask(std::uint32_t mask) {
    const std::uint32_t key = NP_EVENTS_CONFIG_KEY;
    np_events_config config{};
    config.mask = mask;
    if (::bpf_map_update_elem(bpf_map__fd(impl_->skel->maps.np_events_config_v1), &key, &config, BPF_ANY) != 0)
        return Error::fromErrno(errno, "Failed to write " NP_MAP_EVENTS_CONFIG);
    return {};
}

Result<std::uint32_t> Datapath::eventMask() const {
    const std::uint32_t key = NP_EVENTS_CONFIG_KEY;
    np_events_config config{};
    if (::bpf_map_lookup_elem(bpf_map__fd(impl_->skel->maps.np_events_config_v1), &key, &config) != 0)
        return Error::fromErrno(errno, "Failed to read " NP_MAP_EVENTS_CONFIG);
    return config.mask;
}

Result<EventReader> Datapath::openEventReader() const {
    return EventReader::open(bpf_map__fd(impl_->skel->maps.np_events_v1));
}

Result<std::uint64_t> Datapath::eventsLost() const {
    auto counters = impl_->stats.counters();
    if (!counters) return counters.error();
    const auto name = statName(NP_STAT_EVENTS_LOST);
    for (const auto& counter : *counters)
        if (counter.name == name) return counter.packets;
    return Error::logical("no events_lost counter");
}

Status Datapath::setNodeNetnsCookie(std::uint64_t cookie) {
    const std::uint32_t key = NP_SOCK_LB_CONFIG_KEY;
    np_sock_lb_config config{};
    config.node_netns_cookie = cookie;
    if (int err = ::bpf_map_update_elem(bpf_map__fd(impl_->skel->maps.np_sock_lb_config_v1), &key, &config, BPF_ANY);
        err != 0)
        return Error::fromErrno(err, "Failed to write " NP_MAP_SOCK_LB_CONFIG);
    return {};
}

Status Datapath::setMasqueradeAddress(const std::optional<IpAddress>& ipv4) {
    if (ipv4 && !ipv4->isV4()) return Error::logical("masquerade address " + ipv4->toString() + " is not IPv4");
    const std::uint32_t key = 0;
    np_nat_config config{};
    if (ipv4) std::memcpy(&config.masquerade_v4, ipv4->bytes.data(), 4);
    if (int err = ::bpf_map_update_elem(bpf_map__fd(impl_->skel->maps.np_nat_config_v1), &key, &config, BPF_ANY);
        err != 0)
        return Error::fromErrno(errno, "Failed to write " NP_MAP_NAT_CONFIG);
    return {};
}

Result<std::optional<IpAddress>> Datapath::masqueradeAddress() const {
    const std::uint32_t key = 0;
    np_nat_config config{};
    if (::bpf_map_lookup_elem(bpf_map__fd(impl_->skel->maps.np_nat_config_v1), &key, &config) != 0)
        return Error::fromErrno(errno, "Failed to read " NP_MAP_NAT_CONFIG);
    if (config.masquerade_v4 == 0) return std::optional<IpAddress>{};
    IpAddress out;
    out.family = IpFamily::V4;
    std::memcpy(out.bytes.data(), &config.masquerade_v4, 4);
    return std::optional<IpAddress>{out};
}

Status Datapath::setClusterIpRanges(const std::vector<IpPrefix>& ranges) {
    auto value = encodeClusterIpRanges(ranges);
    if (!value) return value.error();
    const std::uint32_t key = NP_CLUSTER_IP_RANGES_KEY;
    if (::bpf_map_update_elem(bpf_map__fd(impl_->skel->maps.np_cluster_ip_ranges_v1), &key, &*value, BPF_ANY) != 0)
        return Error::fromErrno(errno, "Failed to write " NP_MAP_CLUSTER_IP_RANGES);
    return {};
}

Result<std::vector<IpPrefix>> Datapath::clusterIpRanges() const {
    const std::uint32_t key = NP_CLUSTER_IP_RANGES_KEY;
    np_cluster_ip_ranges value{};
    if (::bpf_map_lookup_elem(bpf_map__fd(impl_->skel->maps.np_cluster_ip_ranges_v1), &key, &value) != 0)
        return Error::fromErrno(errno, "Failed to read " NP_MAP_CLUSTER_IP_RANGES);
    return decodeClusterIpRanges(value);
}

Status Datapath::attachSocketHooks(const std::string& cgroupPath) {
    auto cgroup = openCgroup2(cgroupPath);
    if (!cgroup) return cgroup.error();
    // connect4 last: by the time a socket can be sent to a backend, the
    // hooks that show it the frontend again are in place.
    for (auto it = kSocketHooks.rbegin(); it != kSocketHooks.rend(); ++it) {
        if (auto ok = attachPinnedCgroupLink(programOf(impl_->skel, *it), *cgroup, impl_->linkPin(*it)); !ok)
            return ok;
    }
    return {};
}

Status Datapath::detachSocketHooks() {
    // The reverse of attach: connect4 first, so no socket is newly sent to a
    // backend once recvmsg4 / getpeername4 are gone.
    for (auto program : kSocketHooks)
        if (auto ok = unpinLink(impl_->linkPin(program)); !ok) return ok;
    return {};
}

Result<std::vector<SocketHookInfo>> Datapath::socketHooks() const {
    std::vector<SocketHookInfo> out;
    for (auto program : kSocketHooks) {
        SocketHookInfo hook;
        hook.program = program;
        auto link = pinnedCgroupLink(impl_->linkPin(program));
        if (!link) return link.error();
        if (link->has_value()) {
            hook.attached = true;
            hook.linkId = (*link)->linkId;
            hook.progId = (*link)->progId;
            hook.cgroupId = (*link)->cgroupId;
            for (std::size_t i = 0; i < kPrograms.size(); ++i)
                if (kPrograms[i] == program) hook.current = impl_->programIds[i] == hook.progId;
        }
        out.push_back(hook);
    }
    return out;
}

LocalEndpointTable& Datapath::localEndpoints() { return impl_->endpoints; }

ServiceTable& Datapath::services() { return impl_->services; }
BackendTable& Datapath::backends() { return impl_->backends; }
RevNatTable& Datapath::revNat() { return impl_->revNat; }
SourceRangeTable& Datapath::sourceRanges() { return impl_->sourceRanges; }
ConntrackTable& Datapath::conntrack() { return impl_->conntrack; }

IpcacheTable& Datapath::ipcache() { return impl_->ipcache; }

PolicyTable& Datapath::policy() { return impl_->policy; }

DatapathStats& Datapath::stats() { return impl_->stats; }

Result<std::vector<MapInfo>> Datapath::maps() const {
    std::vector<MapInfo> out;
    bpf_map* map = nullptr;
    bpf_object__for_each_map(map, impl_->skel->obj) {
        // .rodata and friends are the programs' constants, not maps to watch;
        // the event maps are unpinned (they live as long as this daemon) and
        // listed all the same.
        if (bpf_map__is_internal(map)) continue;
        const char* pin = bpf_map__pin_path(map);
        auto info = describeMap(bpf_map__fd(map), bpf_map__name(map), pin ? pin : "");
        if (!info) return info.error();
        out.push_back(std::move(*info));
    }
    return out;
}

int Datapath::programFd(Program program) const { return impl_->fd(program); }

const std::string& Datapath::bpffs() const { return impl_->bpffs; }

}  // namespace nodeplane::datapath
