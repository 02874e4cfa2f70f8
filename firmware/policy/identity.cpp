#include "policy/identity.h"

namespace nodeplane::policy {

const char* reservedIdentityName(IdentityId id) {
    switch (id) {
        case kIdentityAny: return "any";
        case kIdentityHost: return "host";
        case kIdentityWorld: return "world";
        case kIdentityRemoteNode: return "remote-node";
        default: return nullptr;
    }
}

std::string podIdentityKey(const std::string& namespace_, const state::Labels& labels) {
    std::string key = namespace_;
    for (const auto& [k, v] : labels) {
        key += '\x1e';
        key += k;
        key += '\x1f';
        key += v;
    }
    return key;
}

std::string describe(const Identity& identity) {
    switch (identity.kind) {
        case IdentityKind::Reserved: {
            const char* name = reservedIdentityName(identity.id);
            return name ? name : "reserved " + std::to_string(identity.id);
        }
        case IdentityKind::Cidr: return "cidr " + (identity.cidr ? identity.cidr->toString() : std::string("?"));
        case IdentityKind::Pod: break;
    }
    std::string out = identity.namespace_ + ":";
    const char* sep = " ";
    for (const auto& [k, v] : identity.labels) {
        out += sep + k + "=" + v;
        sep = ",";
    }
    return out;
}

}  // namespace nodeplane::policy
