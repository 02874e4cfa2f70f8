// The cross-object checks of cross_validator.h kept as running counts, so a
// reload that changed one file of a hundred checks only that file's objects:
// every claimed value with its holders, every reference target with the
// objects that name it. When the counts say all is well the whole-snapshot
// checks would find nothing; when they do not, the caller runs those checks
// for their exact errors (a refused snapshot may cost a whole pass).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include "state/parsed_snapshot.h"

namespace nodeplane::state {

class ValidationIndex {
public:
    // Takes a document's objects and facts out (`before`) and puts its new
    // ones in (`after`); either may be empty.
    void replace(const ParsedSnapshot& before, const ParsedSnapshot& after);
    void clear() { *this = ValidationIndex{}; }

    // No value claimed twice and every reference resolved, given the
    // snapshot's `node`: validateSnapshot() would add no claim or reference
    // error.
    bool clean(const std::string& node) const;

private:
    struct KeyHash {
        template <typename Kind>
        std::size_t operator()(const std::pair<Kind, std::string>& k) const noexcept {
            return std::hash<std::string>{}(k.second) * 31 + static_cast<std::size_t>(k.first);
        }
    };
    using ClaimKey = std::pair<Claim::Kind, std::string>;
    using TargetKey = std::pair<Reference::Target, std::string>;
    struct Target {
        std::uint32_t holders = 0;  // objects that are the target
        std::uint32_t naming = 0;   // references to it
    };

    void count(const ParsedSnapshot& p, int sign);
    void countClaim(const Claim& c, int sign);
    void countTarget(TargetKey key, bool reference, int sign);

    std::unordered_map<ClaimKey, std::uint32_t, KeyHash> claims_;
    std::size_t claimedTwice_ = 0;  // claims with more than one holder
    std::unordered_map<TargetKey, Target, KeyHash> targets_;
    // References whose target is missing, by kind of target.
    std::map<Reference::Target, std::size_t> unresolved_;
    std::size_t namespaces_ = 0;  // [[namespaces]] entries: references to them count only when any are listed
    std::map<std::string, std::uint32_t> thisNodeReferences_;  // by the nodeName they give
};

}  // namespace nodeplane::state
