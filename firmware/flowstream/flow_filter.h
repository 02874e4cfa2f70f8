// Which flows one `nodeplanectl observe` client wants. Flags of one kind OR
// (`--port 53 --port 80`: either), kinds AND (`--namespace a --verdict deny`:
// both); no flag of a kind: that kind does not narrow.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "observe/flow_event.h"

namespace nodeplane::flowstream {

struct PodRef {
    std::string namespace_;
    std::string name;
    bool operator==(const PodRef&) const = default;
};

struct FlowFilter {
    std::vector<std::string> namespaces;  // either end's pod namespace
    std::vector<PodRef> pods;             // either end's pod
    std::vector<std::string> verdicts;    // "allow", "deny", "drop" (flowVerdict())
    std::vector<std::uint16_t> ports;     // either port, or a translation's frontend port
    std::vector<std::string> protocols;   // "tcp", "udp", "icmp" (ICMP for IPv4 and IPv6)
    // Policy verdicts only: the other kinds carry no direction, so they do
    // not match while a direction is asked for.
    std::vector<observe::PolicyDirection> directions;
    // Only flows from now on; otherwise the server first replays the recent
    // flows it kept that match.
    bool sinceNow = false;

    bool matches(const observe::EnrichedFlow& flow) const;
    bool operator==(const FlowFilter&) const = default;
};

// One filter flag without its dashes ("namespace", "pod", "verdict", "port",
// "protocol", "direction") and its value, checked: "--pod needs NAMESPACE/NAME,
// got 'web'". Unknown flags are an error too.
Status addFilter(FlowFilter& filter, std::string_view flag, std::string_view value);

// The filter line a client sends: {"namespace": ["a"], "port": [53], ...,
// "sinceNow": true}; keys with nothing in them are left out.
nlohmann::json filterToJson(const FlowFilter& filter);
Result<FlowFilter> filterFromJson(std::string_view text);

}  // namespace nodeplane::flowstream
