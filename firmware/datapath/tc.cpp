#include "datapath/tc.h"

#include <bpf/libbpf.h>
#include <net/if.h>

#include <cerrno>

namespace nodeplane::datapath {

namespace {

bpf_tc_hook hookFor(int ifindex, bpf_tc_attach_point point) {
    // Filled by hand: LIBBPF_OPTS relies on GNU C extensions -Wpedantic rejects.
    bpf_tc_hook hook{};
    hook.sz = sizeof(hook);
    hook.ifindex = ifindex;
    hook.attach_point = point;
    return hook;
}

bpf_tc_hook hookFor(int ifindex, TcDirection direction) {
    return hookFor(ifindex, direction == TcDirection::Ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
}

bpf_tc_opts ourSlot() {
    bpf_tc_opts opts{};
    opts.sz = sizeof(opts);
    opts.handle = kTcHandle;
    opts.priority = kTcPriority;
    return opts;
}

const char* directionName(TcDirection direction) {
    return direction == TcDirection::Ingress ? "ingress" : "egress";
}

// What the kernel answers for a hook that is gone: the device (ENODEV), its
// clsact qdisc (EINVAL from the tc core), or just our filter (ENOENT).
bool isGone(int err) { return err == -ENOENT || err == -ENODEV || err == -EINVAL; }

}  // namespace

std::string describeInterface(int ifindex) {
    char name[IF_NAMESIZE] = {};
    std::string index = "ifindex " + std::to_string(ifindex);
    if (::if_indextoname(static_cast<unsigned>(ifindex), name) == nullptr) return index;
    return "'" + std::string(name) + "' (" + index + ")";
}

Status ensureClsact(int ifindex) {
    // INGRESS|EGRESS is how libbpf spells "the clsact qdisc itself".
    auto hook = hookFor(ifindex, static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS));
    int err = ::bpf_tc_hook_create(&hook);
    if (err == 0 || err == -EEXIST) return {};
    return Error::fromErrno(err, "Failed to add a clsact qdisc to " + describeInterface(ifindex));
}

Status attachTc(int ifindex, TcDirection direction, int progFd, const std::string& progName) {
    auto hook = hookFor(ifindex, direction);
    auto opts = ourSlot();
    opts.prog_fd = progFd;
    opts.flags = BPF_TC_F_REPLACE;
    int err = ::bpf_tc_attach(&hook, &opts);
    if (err == -EINVAL || err == -ENOENT) {
        // No clsact qdisc yet (a new interface). Creating it only then keeps
        // the common case, a restart re-attaching everything, to one request.
        if (auto made = ensureClsact(ifindex); !made) return made;
        opts = ourSlot();
        opts.prog_fd = progFd;
        opts.flags = BPF_TC_F_REPLACE;
        err = ::bpf_tc_attach(&hook, &opts);
    }
    if (err != 0)
        return Error::fromErrno(err, "Failed to attach " + progName + " to " + describeInterface(ifindex) + " " +
                                         directionName(direction));
    return {};
}

Status detachTc(int ifindex, TcDirection direction) {
    auto hook = hookFor(ifindex, direction);
    auto opts = ourSlot();
    int err = ::bpf_tc_detach(&hook, &opts);
    if (err == 0 || isGone(err)) return {};
    return Error::fromErrno(err, "Failed to detach from " + describeInterface(ifindex) + " " +
                                     directionName(direction));
}

Result<std::optional<std::uint32_t>> queryTc(int ifindex, TcDirection direction) {
    auto hook = hookFor(ifindex, direction);
    auto opts = ourSlot();
    int err = ::bpf_tc_query(&hook, &opts);
    if (err == 0) return std::optional<std::uint32_t>{opts.prog_id};
    if (err == -ENOENT || err == -EINVAL) return std::optional<std::uint32_t>{};  // no filter / no qdisc
    return Error::fromErrno(err, std::string("Failed to query the tc ") + directionName(direction) + " hook of " +
                                     describeInterface(ifindex));
}

}  // namespace nodeplane::datapath
