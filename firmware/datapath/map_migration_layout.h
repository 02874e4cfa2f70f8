// The datapath layout version: one number for the shape of every pinned map
// (type, key and value layout, flags), kept in the bpffs directory so a new
// daemon knows what an older one left pinned before it adopts anything.
//
// Pinned maps outlive the daemon, so a version whose structs differ must not
// adopt its predecessor's maps as they are. Such a version raises
// kDatapathLayoutVersion and either registers a step from the previous
// version (below) or is refused while the old datapath keeps forwarding.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace nodeplane::datapath {

// Layout 1: the maps of bpf/lib/*_maps.h as first versioned (np_conntrack_v2,
// np_services_v2, np_backends_v2, ...). A datapath pinned before the version
// was recorded is layout 1 too.
inline constexpr std::uint32_t kDatapathLayoutVersion = 1;

// Where the version is pinned: a one-entry array (u32 -> u32) beside the maps.
inline constexpr const char* kLayoutMapName = "np_layout";
std::string layoutPinPath(const std::string& bpffs);

// The version pinned under `bpffs`, 0 when none is (a fresh directory, or
// one pinned before versions were recorded: the caller tells them apart).
Result<std::uint32_t> readLayoutVersion(const std::string& bpffs);
// Pins (or overwrites) the version record.
Status writeLayoutVersion(const std::string& bpffs, std::uint32_t version);

// A migration a future version declares: turns the pinned maps of layout
// `from` into those of layout `to` (say, copying np_conntrack_v2 into a
// np_conntrack_v3 of another value layout) before the new programs load.
// It runs with the old datapath still attached and must leave the old maps
// untouched, so that a failure leaves that datapath forwarding as before.
struct LayoutStep {
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    const char* what = "";  // one line for the log: "conntrack v2 -> v3"
    Status (*run)(const std::string& bpffs) = nullptr;
};

// The steps this version knows, in order. None yet: layout 1 is the first.
std::span<const LayoutStep> layoutSteps();

// The steps leading from the pinned layout to `wanted`, in order; empty when
// they are equal. No chain (a downgrade, or a layout this version has no
// step for) is a refusal naming both versions and what to do.
Result<std::vector<const LayoutStep*>> layoutPath(std::uint32_t pinned, std::uint32_t wanted,
                                                  std::span<const LayoutStep> steps, const std::string& bpffs);

}  // namespace nodeplane::datapath
