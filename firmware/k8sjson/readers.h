// Internal to k8sjson: the values many kinds share, and one reader per kind.
// Each reader takes the object's root and reports through the sink, which
// already names the object.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "k8sjson/json_reader.h"
#include "state/model.h"

namespace nodeplane::k8sjson {

std::optional<IpAddress> readIp(const JsonValue& v);
// A CIDR with its host bits clear, as the API validates it. `trim` drops
// surrounding blanks first, as kube-proxy does for loadBalancerSourceRanges.
std::optional<IpPrefix> readPrefix(const JsonValue& v, bool trim = false);
std::vector<IpAddress> readIps(const JsonValue& list);
std::vector<IpPrefix> readPrefixes(const JsonValue& list, bool trim = false);
// `protocol`: TCP when absent, UDP or SCTP.
state::Protocol readProtocol(const JsonValue& v);
// 1..65535, or nullopt (with an error when present and out of range).
std::optional<std::uint16_t> readPort(const JsonValue& v, bool required = false);
// A port number 1..65535 or a port name.
std::optional<state::PortRef> readPortRef(const JsonValue& v);

void readService(const JsonValue& root, state::Service& out);
void readEndpointSlice(const JsonValue& root, state::EndpointSlice& out);
void readNode(const JsonValue& root, state::Node& out);
void readNamespace(const JsonValue& root, state::Namespace& out);
void readPod(const JsonValue& root, state::Pod& out);
void readNetworkPolicy(const JsonValue& root, state::NetworkPolicy& out);

}  // namespace nodeplane::k8sjson
