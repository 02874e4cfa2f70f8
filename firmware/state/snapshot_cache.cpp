#include "state/snapshot_cache.h"

#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "config/toml_document.h"
#include "state/cross_validator.h"
#include "state/document_parser.h"

namespace nodeplane::state {
namespace {

std::int64_t realtimeNs() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

FileIdentity identityOf(const struct stat& st) {
    return {st.st_dev, st.st_ino, st.st_size, std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec};
}

void add(ParsedSnapshot::Sizes& total, const ParsedSnapshot::Sizes& s) {
    total.nodes += s.nodes;
    total.namespaces += s.namespaces;
    total.pods += s.pods;
    total.services += s.services;
    total.endpointSlices += s.endpointSlices;
    total.networkPolicies += s.networkPolicies;
    total.nodeSettings += s.nodeSettings;
    total.references += s.references;
    total.claims += s.claims;
}

void reserve(ParsedSnapshot& p, const ParsedSnapshot::Sizes& s) {
    p.model.nodes.reserve(s.nodes);
    p.model.namespaces.reserve(s.namespaces);
    p.model.pods.reserve(s.pods);
    p.model.services.reserve(s.services);
    p.model.endpointSlices.reserve(s.endpointSlices);
    p.model.networkPolicies.reserve(s.networkPolicies);
    p.nodeSettings.reserve(s.nodeSettings);
    p.references.reserve(s.references);
    p.claims.reserve(s.claims);
}

}  // namespace

std::vector<ParsedSnapshot> SnapshotCache::takeBackShares() {
    if (result_.ok() && !files_.empty()) merged_.model = std::move(result_.model);
    std::vector<ParsedSnapshot> shares;
    shares.reserve(files_.size());
    ParsedSnapshot::Sizes offset;
    for (const auto& f : files_) {
        shares.push_back(merged_.takeShare(offset, f.share));
        shares.back().incomplete = f.incomplete;
    }
    merged_.clear();
    return shares;
}

SnapshotCache::CachedFile SnapshotCache::refresh(const std::string& file, CachedFile* previous,
                                                 ParsedSnapshot* previousShare, ParsedSnapshot& parsed) {
    CachedFile entry;
    entry.path = file;
    const std::int64_t seenAt = realtimeNs();
    struct stat st {};
    const bool statted = ::stat(file.c_str(), &st) == 0;
    if (statted) {
        entry.identity = identityOf(st);
        if (previous && previous->reusable && previous->identity == entry.identity) {
            parsed = std::move(*previousShare);
            return std::move(*previous);
        }
    }
    ++lastParsed_;
    auto text = config::readTextFile(file, entry.errors);
    if (text)
        parseSnapshotText(*text, file, parsed, entry.errors);
    else
        parsed.incomplete = true;
    entry.reusable = statted && text && entry.identity.modifiedNs + kRacyNs < seenAt;
    entry.incomplete = parsed.incomplete;
    entry.share = parsed.sizes();
    return entry;
}

const SnapshotLoadResult& SnapshotCache::load(const std::string& path) {
    auto oldShares = takeBackShares();
    auto old = std::move(files_);
    files_.clear();
    result_ = SnapshotLoadResult{};
    lastParsed_ = 0;

    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        result_.errors.push_back(InputError{path, 0, 0, "", "", std::string("cannot read: ") + std::strerror(errno)});
        return result_;
    }
    if (S_ISDIR(st.st_mode)) {
        auto files = config::listTomlFiles(path);
        if (!files.ok()) {
            result_.errors.push_back(InputError{path, 0, 0, "", "", files.error().message});
            return result_;
        }
        if (files->empty()) {
            result_.errors.push_back(InputError{path, 0, 0, "", "", "no *.toml files in this directory"});
            return result_;
        }
        result_.files = std::move(files).value();
    } else {
        result_.files = {path};
    }

    std::map<std::string, std::size_t> previous;
    for (std::size_t i = 0; i < old.size(); ++i) previous.emplace(old[i].path, i);
    std::vector<ParsedSnapshot> shares(result_.files.size());
    ParsedSnapshot::Sizes total;
    files_.reserve(result_.files.size());
    for (std::size_t i = 0; i < result_.files.size(); ++i) {
        const std::string& file = result_.files[i];
        auto it = previous.find(file);
        const bool known = it != previous.end();
        files_.push_back(refresh(file, known ? &old[it->second] : nullptr, known ? &oldShares[it->second] : nullptr,
                                 shares[i]));
        add(total, files_.back().share);
        result_.errors.insert(result_.errors.end(), files_.back().errors.begin(), files_.back().errors.end());
    }
    reserve(merged_, total);
    for (auto& share : shares) merged_.append(std::move(share));

    if (!merged_.incomplete) validateSnapshot(merged_, path, result_.errors);
    config::sortInFileOrder(result_.errors, result_.files);
    if (result_.ok()) result_.model = std::move(merged_.model);
    return result_;
}

SnapshotLoadResult SnapshotCache::release() {
    SnapshotLoadResult out = std::move(result_);
    result_ = SnapshotLoadResult{};
    files_.clear();
    merged_.clear();
    return out;
}

}  // namespace nodeplane::state
