// What `nodeplanectl services` and `nodeplanectl conntrack list` show, made
// from what the datapath's maps hold (not from the snapshot): pure
// conversions from the typed tables' values to the control API's records,
// sorted so the same maps always print the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "bus/listings.h"
#include "daemon/conntrack_gc.h"
#include "datapath/services.h"

namespace nodeplane::daemon {

using FrontendsByKey = std::map<datapath::FrontendKey, datapath::FrontendEntry>;
using BackendSets = std::map<std::uint32_t, std::vector<datapath::BackendId>>;  // by service id

// "tcp", "udp", "sctp".
const char* protocolName(datapath::L4Protocol protocol);

// Every frontend, by address, port, protocol and scope; its backends (the
// active half's set of its service id, `sets`) by address and port. A
// backend id the set names but `backends` lacks is listed with address "?".
std::vector<bus::ServiceRecord> describeServices(const FrontendsByKey& frontends, const BackendSets& sets,
                                                 const BackendsById& backends);

// Every entry (at most `limit`), flow by flow: flows ordered by their
// ORIGINAL's key, each ORIGINAL followed by its REPLY. State, idle time and
// timeout are the flow's, as ageing judges it at `nowNs`; age is the entry's.
bus::ConntrackListing describeConntrack(const std::vector<datapath::ConntrackEntry>& entries,
                                        const BackendsById& backends, const FrontendsByRevNat& frontends,
                                        std::uint64_t nowNs, const ConntrackTimeouts& timeouts, std::size_t limit);

}  // namespace nodeplane::daemon
