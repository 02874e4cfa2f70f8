// Readers for the fields many snapshot kinds share: identity, labels,
// addresses, protocols, ports, label selectors. Each reports its errors
// through the TableReader and returns only what is valid.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/table_reader.h"
#include "state/model.h"
#include "state/parsed_snapshot.h"

namespace nodeplane::state {

using config::Item;
using config::Need;
using config::TableReader;

Result<IpAddress> toIp(std::string_view text);
// A CIDR with its host bits clear, as the Kubernetes API validates it.
Result<IpPrefix> toPrefix(std::string_view text);

SourceLocation locationOf(const TableReader& reader, const toml::source_region& region);
// The site of the value `at`, found under `key` of the reader's table.
KeySite siteOf(const TableReader& reader, const toml::node& at, std::string_view key);

struct Identity {
    std::string namespace_;  // empty for cluster-scoped kinds
    std::string name;
};

enum class Scope { Cluster, Namespaced };

// Reads `namespace` (namespaced kinds) and `name`, checked with `checkName`.
// When both are valid: names the reader's object "<kind> <ns>/<name>",
// claims that identity and references the namespace. nullopt otherwise: the
// object is still read for errors but joins no model.
std::optional<Identity> readIdentity(TableReader& r, std::string_view kind, Scope scope,
                                     Status (*checkName)(std::string_view), ParsedSnapshot& out);

// A table of label key -> label value.
Labels readLabels(TableReader& r, std::string_view key);
// A table of label-key-shaped key -> any string.
Labels readAnnotations(TableReader& r, std::string_view key);

// `protocol`: TCP (the Kubernetes default), UDP or SCTP.
Protocol readProtocol(TableReader& r);
// A port number 1..65535.
std::optional<std::uint16_t> readPort(TableReader& r, std::string_view key, Need need = Need::Optional);
// A port number 1..65535 or a port name (IANA_SVC_NAME).
std::optional<PortRef> readPortRef(TableReader& r, std::string_view key);

// Lists of addresses or prefixes, at most one of each family: Kubernetes'
// dual-stack rule for podIPs, clusterIPs and podCIDRs.
std::vector<Item<IpAddress>> readIpsOnePerFamily(TableReader& r, std::string_view key);
std::vector<IpPrefix> readPrefixesOnePerFamily(TableReader& r, std::string_view key);

template <typename T>
std::vector<T> valuesOf(const std::vector<Item<T>>& items) {
    std::vector<T> out;
    for (const auto& item : items) out.push_back(item.value);
    return out;
}

// {matchLabels, matchExpressions}; {} selects everything.
std::optional<LabelSelector> readSelector(TableReader& r, std::string_view key, Need need = Need::Optional);

}  // namespace nodeplane::state
