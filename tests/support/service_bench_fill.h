// The service maps of a benchmark node: a given number of backend entries in
// services of at most 64,000 backends each, all remote, written through the
// daemon's typed tables; and one "hot" service for timing the shipped
// from_pod with repeated runs.
#pragma once

#include <cstdint>

#include "common/ip.h"
#include "common/result.h"
#include "datapath/datapath.h"

namespace nodeplane::test {

inline constexpr std::uint32_t kBenchBackendsPerService = 64000;
inline constexpr std::uint16_t kBenchServicePort = 80;
inline constexpr std::uint16_t kBenchBackendPort = 8080;

struct ServiceFill {
    std::uint32_t services = 0;        // frontends with backends: frontendBase, +1, ...
    std::uint32_t frontendBase = 0;    // 10.96.0.10, host order
    std::uint32_t backendEntries = 0;  // in those services (the backend table holds one more: the hot one)
    std::uint32_t backendBase = 0;     // backend id i (1..backendEntries) is backendBase + i, host order
    IpAddress hotFrontend;             // the hot service's ClusterIP (port kBenchServicePort)
};

// Writes `backendEntries` backends (10.128.0.0/9, port 8080) spread over
// ceil(backendEntries / 64,000) ClusterIP frontends (10.96.0.10, .11, ...,
// port 80/TCP), their slots and reverse NAT; then the hot service: a
// frontend whose only backend is its own address and port, so a DNAT to it
// rewrites nothing and repeated runs of from_pod stay on one path.
// Options of the Datapath must allow backendEntries + 1 backends and slots.
Result<ServiceFill> fillServices(datapath::Datapath& dp, std::uint32_t backendEntries);

}  // namespace nodeplane::test
