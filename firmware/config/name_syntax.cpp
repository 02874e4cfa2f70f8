#include "config/name_syntax.h"

#include <string>

namespace nodeplane::config {
namespace {

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isAlnum(char c) { return isLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

Status invalid(std::string_view value, std::string_view rule) {
    return Error::logical("'" + std::string(value) + "' is not " + std::string(rule));
}

bool isDnsLabel(std::string_view s) {
    if (s.empty() || s.size() > 63) return false;
    if (!isLowerAlnum(s.front()) || !isLowerAlnum(s.back())) return false;
    for (char c : s)
        if (!isLowerAlnum(c) && c != '-') return false;
    return true;
}

bool isDnsSubdomain(std::string_view s) {
    if (s.empty() || s.size() > 253) return false;
    for (;;) {
        auto dot = s.find('.');
        if (!isDnsLabel(s.substr(0, dot))) return false;
        if (dot == std::string_view::npos) return true;
        s.remove_prefix(dot + 1);
    }
}

// The name part of a qualified name and a non-empty label value share one rule.
bool isQualifiedNamePart(std::string_view s) {
    if (s.empty() || s.size() > 63) return false;
    if (!isAlnum(s.front()) || !isAlnum(s.back())) return false;
    for (char c : s)
        if (!isAlnum(c) && c != '-' && c != '_' && c != '.') return false;
    return true;
}

constexpr std::string_view kDnsLabelRule =
    "a valid DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit, "
    "at most 63 characters)";
constexpr std::string_view kQualifiedNameRule =
    "a valid label key ([prefix/]name: the name at most 63 of letters, digits, '-', '_' and '.', starting "
    "and ending with a letter or digit; the prefix a DNS subdomain)";

}  // namespace

Status checkInterfaceName(std::string_view name) {
    if (name.empty()) return Error::logical("an interface name must not be empty");
    // IFNAMSIZ is 16 including the terminating NUL.
    if (name.size() > 15)
        return invalid(name, "a valid interface name (at most 15 characters, IFNAMSIZ - 1)");
    if (name == "." || name == "..") return invalid(name, "a valid interface name");
    for (char c : name)
        if (c == '/' || c == ':' || isSpace(c))
            return invalid(name, "a valid interface name (no '/', ':' or whitespace)");
    return {};
}

Status checkDnsLabel(std::string_view name) {
    if (!isDnsLabel(name)) return invalid(name, kDnsLabelRule);
    return {};
}

Status checkDns1035Label(std::string_view name) {
    if (!isDnsLabel(name) || !(name.front() >= 'a' && name.front() <= 'z'))
        return invalid(name,
                       "a valid DNS-1035 label (lowercase letters, digits and '-', starting with a letter, "
                       "ending with a letter or digit, at most 63 characters)");
    return {};
}

Status checkDnsSubdomain(std::string_view name) {
    if (!isDnsSubdomain(name))
        return invalid(name,
                       "a valid DNS subdomain (dot-separated lowercase labels of letters, digits and '-', "
                       "at most 253 characters)");
    return {};
}

Status checkQualifiedName(std::string_view key) {
    auto slash = key.find('/');
    if (slash == std::string_view::npos) {
        if (!isQualifiedNamePart(key)) return invalid(key, kQualifiedNameRule);
        return {};
    }
    if (!isDnsSubdomain(key.substr(0, slash)) || !isQualifiedNamePart(key.substr(slash + 1)))
        return invalid(key, kQualifiedNameRule);
    return {};
}

Status checkLabelValue(std::string_view value) {
    if (!value.empty() && !isQualifiedNamePart(value))
        return invalid(value,
                       "a valid label value (empty, or at most 63 of letters, digits, '-', '_' and '.', "
                       "starting and ending with a letter or digit)");
    return {};
}

Status checkPortName(std::string_view name) {
    bool letter = false;
    bool ok = !name.empty() && name.size() <= 15 && name.front() != '-' && name.back() != '-' &&
              name.find("--") == std::string_view::npos;
    for (char c : name) {
        if (c >= 'a' && c <= 'z') letter = true;
        else if (!isLowerAlnum(c) && c != '-') ok = false;
    }
    if (!ok || !letter)
        return invalid(name,
                       "a valid port name (IANA_SVC_NAME: at most 15 of lowercase letters, digits and '-', "
                       "at least one letter, no '-' at either end or twice in a row)");
    return {};
}

}  // namespace nodeplane::config
