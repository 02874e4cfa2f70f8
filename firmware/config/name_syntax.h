// The syntaxes operator input must follow for names: Linux interface names and
// the Kubernetes API's name rules (apimachinery's validation package). Each
// check returns an error whose message says what the rule is, so the operator
// can fix the value without looking it up.
#pragma once

#include <string_view>

#include "common/result.h"

namespace nodeplane::config {

// Linux dev_valid_name(): 1..15 bytes (IFNAMSIZ - 1), not "." or "..", no '/',
// ':' or whitespace.
Status checkInterfaceName(std::string_view name);

// RFC 1123 label: lowercase alphanumerics and '-', alphanumeric at both ends,
// at most 63 characters (Namespace names, Service port names).
Status checkDnsLabel(std::string_view name);

// RFC 1035 label: an RFC 1123 label that starts with a letter (Service names).
Status checkDns1035Label(std::string_view name);

// RFC 1123 subdomain: dot-separated RFC 1123 labels, at most 253 characters
// (Node, Pod, EndpointSlice and NetworkPolicy names).
Status checkDnsSubdomain(std::string_view name);

// Label and annotation keys: [prefix/]name, the prefix an RFC 1123 subdomain,
// the name at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends.
Status checkQualifiedName(std::string_view key);

// Label values: empty, or like a qualified name's name part.
Status checkLabelValue(std::string_view value);

// IANA_SVC_NAME (a named container or target port): at most 15 of [a-z0-9-],
// at least one letter, no '-' at either end and no "--".
Status checkPortName(std::string_view name);

}  // namespace nodeplane::config
