#include "state/validation_index.h"

namespace nodeplane::state {
namespace {

std::string qualified(const std::string& namespace_, const std::string& name) { return namespace_ + "/" + name; }

void step(std::uint32_t& n, int sign) { n = sign > 0 ? n + 1 : n - 1; }

}  // namespace

void ValidationIndex::countClaim(const Claim& c, int sign) {
    auto it = claims_.try_emplace(ClaimKey{c.kind, c.value}).first;
    const bool wasTwice = it->second > 1;
    step(it->second, sign);
    const bool isTwice = it->second > 1;
    if (isTwice && !wasTwice) ++claimedTwice_;
    if (wasTwice && !isTwice) --claimedTwice_;
    if (it->second == 0) claims_.erase(it);
}

void ValidationIndex::countTarget(TargetKey key, bool reference, int sign) {
    const auto kind = key.first;
    auto it = targets_.try_emplace(std::move(key)).first;
    Target& t = it->second;
    // Unresolved: named by references but held by no object.
    const std::size_t before = t.holders == 0 ? t.naming : 0;
    step(reference ? t.naming : t.holders, sign);
    const std::size_t after = t.holders == 0 ? t.naming : 0;
    unresolved_[kind] += after;
    unresolved_[kind] -= before;
    if (t.holders == 0 && t.naming == 0) targets_.erase(it);
}

void ValidationIndex::count(const ParsedSnapshot& p, int sign) {
    for (const auto& c : p.claims) countClaim(c, sign);
    const Model& m = p.model;
    for (const auto& n : m.nodes) countTarget({Reference::Target::Node, n.name}, false, sign);
    for (const auto& n : m.namespaces) countTarget({Reference::Target::Namespace, n.name}, false, sign);
    namespaces_ = sign > 0 ? namespaces_ + m.namespaces.size() : namespaces_ - m.namespaces.size();
    for (const auto& s : m.services)
        countTarget({Reference::Target::Service, qualified(s.namespace_, s.name)}, false, sign);
    for (const auto& pod : m.pods)
        countTarget({Reference::Target::Pod, qualified(pod.namespace_, pod.name)}, false, sign);
    for (const auto& r : p.references) {
        switch (r.target) {
            case Reference::Target::Node:
            case Reference::Target::Namespace: countTarget({r.target, r.name}, true, sign); break;
            case Reference::Target::Service:
            case Reference::Target::Pod: countTarget({r.target, qualified(r.namespace_, r.name)}, true, sign); break;
            case Reference::Target::ThisNode: {
                auto it = thisNodeReferences_.try_emplace(r.name).first;
                step(it->second, sign);
                if (it->second == 0) thisNodeReferences_.erase(it);
                break;
            }
        }
    }
}

void ValidationIndex::replace(const ParsedSnapshot& before, const ParsedSnapshot& after) {
    count(after, +1);  // first, so a value held before and after never reads as free
    count(before, -1);
}

bool ValidationIndex::clean(const std::string& node) const {
    if (claimedTwice_ != 0) return false;
    for (const auto& [kind, n] : unresolved_) {
        if (n == 0) continue;
        // Listing namespaces is optional: references to them count once any are.
        if (kind == Reference::Target::Namespace && namespaces_ == 0) continue;
        return false;
    }
    // Only pods on this node have an interface.
    for (const auto& [name, n] : thisNodeReferences_)
        if (name != node) return false;
    return true;
}

}  // namespace nodeplane::state
