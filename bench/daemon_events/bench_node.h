// One node for the daemon events benchmark: a scratch directory, a network
// namespace held by fd (the calling thread works inside it, so test_run
// resolves the pods' ifindexes and the metrics are on its loopback), a
// private bpffs, two pods' host interfaces (veth pairs), a configuration and
// a snapshot, and the real nodeplaned running on them. Everything goes in
// the destructor, in reverse order, however the benchmark ended.
//
// The snapshot: pods a (10.200.1.10, np-a) and b (10.200.1.11, np-b) in
// namespace bench; pod b is isolated by a NetworkPolicy that admits pod a on
// TCP 8080 only, so a TCP SYN from anywhere else to b is denied and writes
// one policy verdict record. The policy action log logs denials (to the
// scratch directory, not the journal).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "common/unique_fd.h"
#include "daemon_events/daemon_process.h"
#include "support/bpffs_mount.h"
#include "support/netns.h"

namespace nodeplane::bench {

inline constexpr const char* kPodAIp = "10.200.1.10";
inline constexpr const char* kPodBIp = "10.200.1.11";
inline constexpr const char* kMetricsHost = "127.0.0.1";
inline constexpr std::uint16_t kMetricsPort = 9965;

// A directory under /tmp removed with all it holds.
class ScratchDir {
public:
    ScratchDir();
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

class BenchNode {
public:
    // Builds the node and starts `nodeplaned` with [observe] wakeup-bytes
    // = `wakeupBytes`; does not wait for it. Throws std::runtime_error.
    BenchNode(const std::string& nodeplaned, std::uint32_t wakeupBytes);
    ~BenchNode();
    BenchNode(const BenchNode&) = delete;
    BenchNode& operator=(const BenchNode&) = delete;

    int podBIfindex() const { return podB_; }
    pid_t daemonPid() const { return daemon_->pid(); }
    bool daemonRunning() { return daemon_->running(); }
    // The program the daemon pinned as `name` (np_to_pod, ...).
    UniqueFd openPinnedProgram(const std::string& name) const;
    // The last lines of the daemon's output, for an error message.
    std::string daemonLogTail() const;

private:
    // The daemon's [datapath] bpffs: below the private bpf mount.
    std::string bpffsDir() const { return bpffs_.path() + "/nodeplane"; }

    ScratchDir dir_;
    test::ScopedNetns netns_;
    test::EnterNetns inside_;
    test::BpffsMount bpffs_;
    int podB_ = 0;
    std::optional<DaemonProcess> daemon_;
};

}  // namespace nodeplane::bench
