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

std::vector<ParsedSnapshot> SnapshotCache::takeBackShares(const std::vector<CachedFile>& files) {
    std::vector<ParsedSnapshot> shares;
    shares.reserve(files.size());
    ParsedSnapshot::Sizes offset;
    for (const auto& f : files) shares.push_back(merged_.takeShare(offset, f.share));
    merged_.clear();
    return shares;
}

SnapshotCache::Look SnapshotCache::look(const std::string& file) {
    Look l;
    l.seenAt = realtimeNs();
    struct stat st {};
    l.statted = ::stat(file.c_str(), &st) == 0;
    if (l.statted) l.identity = identityOf(st);
    return l;
}

bool SnapshotCache::unchanged(const CachedFile& previous, const Look& now) {
    return now.statted && previous.reusable && previous.identity == now.identity;
}

SnapshotCache::CachedFile SnapshotCache::parse(const std::string& file, const Look& seen, ParsedSnapshot& parsed) {
    CachedFile entry;
    entry.path = file;
    entry.identity = seen.identity;
    ++lastParsed_;
    auto text = config::readTextFile(file, entry.errors);
    if (text)
        parseSnapshotText(*text, file, parsed, entry.errors);
    else
        parsed.incomplete = true;
    entry.reusable = seen.statted && text && entry.identity.modifiedNs + kRacyNs < seen.seenAt;
    entry.incomplete = parsed.incomplete;
    entry.share = parsed.sizes();
    return entry;
}

void SnapshotCache::noteReplaced(const ParsedSnapshot& before, const ParsedSnapshot& after) {
    if (!changes_.everything) addDifferences(before, after, changes_);
    index_.replace(before, after);
}

void SnapshotCache::loadInPlace(std::vector<CachedFile>& old) {
    ParsedSnapshot::Sizes at;  // where the file's share starts in merged_
    files_.reserve(old.size());
    for (auto& previous : old) {
        const Look seen = look(previous.path);
        if (!unchanged(previous, seen)) {
            ParsedSnapshot::Sizes from = at;
            ParsedSnapshot before = merged_.takeShare(from, previous.share);
            ParsedSnapshot parsed;
            CachedFile entry = parse(previous.path, seen, parsed);
            noteReplaced(before, parsed);
            merged_.replaceShare(at, previous.share, std::move(parsed));
            previous = std::move(entry);
        }
        add(at, previous.share);
        files_.push_back(std::move(previous));
    }
}

void SnapshotCache::loadAll(std::vector<CachedFile>& old) {
    auto oldShares = takeBackShares(old);
    static const ParsedSnapshot kNothing;
    std::map<std::string, std::size_t> previous;
    for (std::size_t i = 0; i < old.size(); ++i) previous.emplace(old[i].path, i);
    std::vector<ParsedSnapshot> shares(result_.files.size());
    std::vector<bool> kept(old.size(), false);
    ParsedSnapshot::Sizes total;
    files_.reserve(result_.files.size());
    for (std::size_t i = 0; i < result_.files.size(); ++i) {
        const std::string& file = result_.files[i];
        const Look seen = look(file);
        auto it = previous.find(file);
        if (it != previous.end()) kept[it->second] = true;
        if (it != previous.end() && unchanged(old[it->second], seen)) {
            shares[i] = std::move(oldShares[it->second]);
            files_.push_back(std::move(old[it->second]));
        } else {
            files_.push_back(parse(file, seen, shares[i]));
            noteReplaced(it != previous.end() ? oldShares[it->second] : kNothing, shares[i]);
        }
        add(total, files_.back().share);
    }
    // Files gone since the last load take their objects with them.
    for (std::size_t i = 0; i < old.size(); ++i)
        if (!kept[i]) noteReplaced(oldShares[i], kNothing);
    reserve(merged_, total);
    for (auto& share : shares) merged_.append(std::move(share));
}

const SnapshotLoadResult& SnapshotCache::load(const std::string& path) {
    // The model lent to the last result comes back to its place.
    if (result_.ok() && !files_.empty()) merged_.model = std::move(result_.model);
    auto old = std::move(files_);
    files_.clear();
    result_ = SnapshotLoadResult{};
    lastParsed_ = 0;
    changes_ = SnapshotChanges{};
    // Nothing to compare with: every object is new.
    changes_.everything = old.empty();
    if (old.empty()) {
        index_.clear();
        merged_.clear();
    }
    auto refuse = [&](std::string message) -> const SnapshotLoadResult& {
        result_.errors.push_back(InputError{path, 0, 0, "", "", std::move(message)});
        merged_.clear();
        return result_;
    };

    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return refuse(std::string("cannot read: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        auto files = config::listTomlFiles(path);
        if (!files.ok()) return refuse(files.error().message);
        if (files->empty()) return refuse("no *.toml files in this directory");
        result_.files = std::move(files).value();
    } else {
        result_.files = {path};
    }

    // The same files as last time (the usual reload): changed ones are
    // parsed and put in their predecessors' place; the others stay put.
    bool sameFiles = !old.empty() && old.size() == result_.files.size();
    for (std::size_t i = 0; sameFiles && i < old.size(); ++i) sameFiles = old[i].path == result_.files[i];
    if (sameFiles)
        loadInPlace(old);
    else
        loadAll(old);
    merged_.incomplete = false;
    for (const auto& f : files_) {
        merged_.incomplete = merged_.incomplete || f.incomplete;
        result_.errors.insert(result_.errors.end(), f.errors.begin(), f.errors.end());
    }

    if (!merged_.incomplete) validateSnapshot(merged_, path, result_.errors, &index_);
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
