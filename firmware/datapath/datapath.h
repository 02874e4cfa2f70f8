// The loaded datapath: the nodeplane_bpf object (four tc programs, the cgroup
// socket hooks and their maps), pinned under [datapath] bpffs so it outlives
// the daemon, and the operations the daemon needs on it.
//
// Restart without a traffic gap: open() adopts the maps the previous daemon
// pinned (libbpf reuses a pin of the same name and layout), so the reconciler
// finds their contents and writes only the difference, and the attach calls
// then replace the previous programs in place (tc filters at a fixed handle,
// the socket hooks' pinned bpf links by bpf_link_update). A pinned map whose size no
// longer matches the configuration is migrated into a new map of the new
// size, and a pinned datapath of another layout is refused with nothing
// touched (map_migration.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip.h"
#include "common/result.h"
#include "datapath/backends.h"
#include "datapath/conntrack.h"
#include "datapath/events.h"
#include "datapath/local_endpoints.h"
#include "datapath/map_info.h"
#include "datapath/policy_tables.h"
#include "datapath/services.h"
#include "datapath/source_ranges.h"
#include "datapath/stats.h"

namespace nodeplane::datapath {

enum class Program {
    FromPod,
    ToPod,
    FromNetdev,
    ToNetdev,
    // cgroup socket hooks: the node's own connections to internal frontends.
    SockConnect4,
    SockSendmsg4,
    SockRecvmsg4,
    SockGetpeername4,
};

// The program's name in the kernel and under <bpffs>/progs (and, for the
// socket hooks, of its link under <bpffs>/links): "np_from_pod".
std::string_view programName(Program program);

struct Options {
    std::string bpffs = "/sys/fs/bpf/nodeplane";  // [datapath] bpffs
    std::uint32_t maxLocalEndpoints = 65536;      // pod addresses on this node
    std::uint32_t maxInterfaces = 4096;           // interfaces with counters
    std::uint32_t maxServices = 100000;           // frontends; also rev-NAT entries
    // Backends: the size of the backend array (32 bytes an entry,
    // preallocated) and of its spill map.
    std::uint32_t maxBackends = 1048576;
    // Backend slots (an array, 4 bytes an entry): every service's set, plus
    // room for the sets being replaced until their grace period ends.
    std::uint32_t maxBackendSlots = 1048576;
    std::uint32_t maxConntrack = 1048576;  // conntrack entries, two per flow; LRU, preallocated
    std::uint32_t maxAffinity = 65536;     // ClientIP affinity entries; LRU, preallocated
    std::uint32_t maxSourceRanges = 16384;  // loadBalancerSourceRanges prefixes, all frontends
    // (socket, backend) pairs of the node's own translated sockets; LRU,
    // preallocated (about 100 bytes each).
    std::uint32_t maxSocketReverse = 65536;
    std::uint32_t maxIpcache = 262144;        // addresses and ipBlock prefixes (LPM trie, grows)
    std::uint32_t maxPolicyEntries = 1048576; // policy entries of all local pods (LPM trie, grows)
    // The events ring buffer ([observe] ring-buffer-bytes): a power of two of
    // at least the page size; NP_DEFAULT_EVENTS_RING_BYTES. Not pinned, so a
    // new size needs no migration.
    std::uint32_t eventsRingBytes = 4u << 20;
    // Wake the event reader only once this many bytes wait in the ring
    // (0: for every record). Saves about half an event's cost on a busy
    // node; the daemon must then also consume on a timer, since records
    // below the mark wake nobody.
    std::uint32_t eventsWakeupBytes = 0;
};

// One tc hook of an interface, as seen at our handle and priority.
struct HookAttachment {
    bool attached = false;
    std::uint32_t progId = 0;
    std::string progName;  // "np_from_pod"; the kernel's name if not one of ours
    bool current = false;  // the program this Datapath loaded, not a predecessor's
};

struct AttachInfo {
    HookAttachment ingress;
    HookAttachment egress;
};

// One socket hook's pinned link, <bpffs>/links/<program name>.
struct SocketHookInfo {
    Program program = Program::SockConnect4;
    bool attached = false;  // a link is pinned there
    std::uint32_t linkId = 0;
    std::uint32_t progId = 0;
    std::uint64_t cgroupId = 0;  // 0: its cgroup was removed, the hook is gone
    bool current = false;        // runs the program this Datapath loaded
};

class Datapath {
public:
    // Checks that options.bpffs is on a bpf filesystem, creates <bpffs>/maps,
    // <bpffs>/progs and <bpffs>/links, loads the object reusing pinned maps,
    // and pins the programs as <bpffs>/progs/<name>.
    static Result<Datapath> open(const Options& options);

    Datapath(Datapath&&) noexcept;
    Datapath& operator=(Datapath&&) noexcept;
    Datapath(const Datapath&) = delete;
    Datapath& operator=(const Datapath&) = delete;
    // Closes this process's handles only: pins and attachments stay, so the
    // node keeps forwarding after the daemon exits.
    ~Datapath();

    // After open() migrated maps (map_migration.h), right after new
    // programs were attached: copies into the new conntrack, affinity and
    // socket reverse maps what the previous programs added to the old ones
    // meanwhile. `last`: every interface runs the new programs now, so the
    // old maps are let go. One line per map for the log; none without a
    // pending migration.
    Result<std::vector<std::string>> catchUpMigratedMaps(bool last);

    // from_pod at tc ingress, to_pod at tc egress of a pod's host end.
    Status attachPod(int ifindex);
    // from_netdev at tc ingress, to_netdev at tc egress of an external interface.
    Status attachExternal(int ifindex);
    // Removes our programs from both directions; already gone is fine.
    Status detach(int ifindex);
    // Which programs sit at our handle and priority on the interface.
    Result<AttachInfo> queryAttachment(int ifindex) const;

    // The node's own sockets. Only sockets of the network namespace with this
    // cookie (the daemon's: currentNetnsCookie()) are translated; 0, the
    // value before anyone writes it, translates none.
    Status setNodeNetnsCookie(std::uint64_t cookie);
    // The node address that masqueraded flows (external traffic to a backend
    // on another node) and hairpins take as their source; none (the value
    // before anyone writes it) makes such flows drop (snat_no_port).
    Status setMasqueradeAddress(const std::optional<IpAddress>& ipv4);
    Result<std::optional<IpAddress>> masqueradeAddress() const;
    // The service range ([services] cluster-ip-ranges): from then on, a
    // packet (from a pod or from outside) or a node socket's connect() for
    // an address in it that no ClusterIP holds is dropped / refused (EPERM).
    // Empty, the value before anyone writes it, drops nothing. IPv6 ranges
    // are left out (IPv4 datapath); more than NP_MAX_CLUSTER_IP_RANGES IPv4
    // ones are an error. One map update: the new ranges apply at once.
    Status setClusterIpRanges(const std::vector<IpPrefix>& ranges);
    Result<std::vector<IpPrefix>> clusterIpRanges() const;
    // Attaches the four socket hooks to the cgroup v2 directory `cgroupPath`
    // and all below it, through links pinned under <bpffs>/links: links a
    // predecessor pinned on the same cgroup get the new programs swapped in,
    // links on another cgroup are replaced (that cgroup loses the hooks).
    Status attachSocketHooks(const std::string& cgroupPath);
    // Removes the pinned links, and with them the hooks; none is fine.
    Status detachSocketHooks();
    // The four hooks' pinned links, in Program order.
    Result<std::vector<SocketHookInfo>> socketHooks() const;

    LocalEndpointTable& localEndpoints();
    // Services: frontends and their backend sets, backends, reverse NAT,
    // source ranges, and the conntrack of translated flows.
    ServiceTable& services();
    BackendTable& backends();
    RevNatTable& revNat();
    SourceRangeTable& sourceRanges();
    ConntrackTable& conntrack();
    // NetworkPolicy: addresses to identities, and what each local pod's
    // policies allow.
    IpcacheTable& ipcache();
    PolicyTable& policy();
    // The policy revision: raised after every change to the policy maps, so
    // flows decided under an older one are decided again.
    Status setPolicyRevision(std::uint32_t revision);
    Result<std::uint32_t> policyRevision() const;
    DatapathStats& stats();

    // Which events the programs write (NP_EVENTS_F_* of
    // bpf/include/nodeplane/abi/events.h); 0, the value of every new load
    // until this is called, writes none. The ring is this load's own, so a
    // restarted daemon sets the mask again.
    Status setEventMask(std::uint32_t mask);
    Result<std::uint32_t> eventMask() const;
    // A reader of this load's event ring; it borrows the ring's fd, so it
    // must not outlive the Datapath.
    Result<EventReader> openEventReader() const;
    // Records the programs could not write because the ring was full
    // (events_lost), summed over CPUs, since the counters were pinned.
    Result<std::uint64_t> eventsLost() const;

    // Every map of the datapath (pinned or not, not the programs' constants):
    // name, type, size and fill, for `nodeplanectl status` and the metrics.
    Result<std::vector<MapInfo>> maps() const;

    // For tests and benchmarks (BPF_PROG_TEST_RUN) and for pinning checks.
    int programFd(Program program) const;
    const std::string& bpffs() const;

private:
    struct Impl;
    explicit Datapath(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace nodeplane::datapath
