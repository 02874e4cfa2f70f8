// A deterministic snapshot (shared spec snapshot.md, format 1) of a big
// cluster as one node sees it: `services` ClusterIP services, each with one
// TCP port (80 -> 8080) and an EndpointSlice of its share of `endpoints`
// remote endpoints; optionally one service with one endpoint more, the
// single change the reload-latency benchmark applies and takes back.
// Same arguments, same bytes: runs compare.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/ip.h"

namespace nodeplane::bench {

struct BigSnapshotSpec {
    std::string node = "node";
    std::uint32_t services = 10'000;
    std::uint32_t endpoints = 100'000;  // spread evenly; the first services take the remainder
    // The service (0-based) that gets one endpoint more than its share.
    std::optional<std::uint32_t> extraEndpointOn;
};

inline constexpr std::uint16_t kBigServicePort = 80;
inline constexpr std::uint16_t kBigTargetPort = 8080;
inline constexpr std::uint32_t kMaxBigServices = 1u << 20;   // ClusterIPs: 10.96.0.0/12
inline constexpr std::uint32_t kMaxBigEndpoints = 1u << 22;  // endpoints: 10.128.0.0/10

// The ClusterIP of service `index`: 10.96.0.1 + index.
IpAddress bigServiceClusterIp(std::uint32_t index);
// How many endpoints service `index` has under `spec` (the extra one included).
std::uint32_t bigServiceEndpoints(const BigSnapshotSpec& spec, std::uint32_t index);
// The TOML text. Fails (empty optional) when the spec is out of range.
std::optional<std::string> renderBigSnapshot(const BigSnapshotSpec& spec);

// The same snapshot as a directory, the layout for big clusters (one file per
// team): the node's own file, then `parts` files of consecutive services
// (part p holds services [p * services / parts, (p + 1) * services / parts)).
// Merged in name order it is the single file's state, object for object.
inline constexpr const char* kBigNodeFile = "00-node.toml";
inline constexpr std::uint32_t kMaxBigParts = 10'000;
// "services-0007.toml"
std::string bigPartFileName(std::uint32_t part);
// The part holding service `index`.
std::uint32_t bigPartOf(const BigSnapshotSpec& spec, std::uint32_t parts, std::uint32_t index);
// kBigNodeFile's text. Fails when the spec is out of range.
std::optional<std::string> renderBigNodeFile(const BigSnapshotSpec& spec);
// Part `part` of `parts` (1 .. min(services, kMaxBigParts)). Fails when out of range.
std::optional<std::string> renderBigPart(const BigSnapshotSpec& spec, std::uint32_t parts, std::uint32_t part);

}  // namespace nodeplane::bench
