// Loading a snapshot again and again as it changes (the daemon's reloads):
// each file's parse is kept, keyed by what stat() says about it, so a reload
// of a snapshot directory parses only the files that changed. Merging and the
// checks across objects still run over the whole snapshot, so the verdict is
// loadSnapshot()'s exactly: one bad file refuses the whole snapshot.
//
// A big cluster is best kept as a directory (one file per namespace or team):
// a single file is all re-parsed whenever any of it changes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "state/parsed_snapshot.h"
#include "state/snapshot_changes.h"
#include "state/snapshot_loader.h"
#include "state/validation_index.h"

namespace nodeplane::state {

// What says a file is the one parsed before: a rename() into place is a new
// inode; an edit in place changes the size or the modification time.
struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    std::int64_t modifiedNs = 0;

    bool operator==(const FileIdentity&) const = default;
};

class SnapshotCache {
public:
    // A write in the same clock tick as the stat() that saw the file could
    // leave its modification time unchanged (timestamps are taken from a
    // clock that ticks every 1-10 ms): a file modified this close to being
    // looked at is parsed again next time.
    static constexpr std::int64_t kRacyNs = 20'000'000;

    // loadSnapshot(path)'s result. Files whose identity is unchanged since
    // the last load are not read again. The result (and its model) stays
    // valid until the next load() or release().
    const SnapshotLoadResult& load(const std::string& path);

    // Moves the last result out and forgets every file.
    SnapshotLoadResult release();

    // Files the last load() parsed; the others came from the cache.
    std::size_t lastParsed() const { return lastParsed_; }

    // What the last load() found changed since the load before it, valid or
    // not: objects of the files parsed anew, added or gone. The first load,
    // and one after a load that read no files, changes `everything`.
    const SnapshotChanges& lastChanges() const { return changes_; }

private:
    struct CachedFile {
        std::string path;
        FileIdentity identity;
        bool reusable = false;  // read whole, and not racily
        ParsedSnapshot::Sizes share;  // its objects' count in merged_ (lent out between loads)
        bool incomplete = false;
        InputErrors errors;  // its own, from parsing
    };

    // What stat() says about a file now.
    struct Look {
        bool statted = false;
        FileIdentity identity;
        std::int64_t seenAt = 0;
    };
    static Look look(const std::string& file);
    // The file parsed before is still the one there.
    static bool unchanged(const CachedFile& previous, const Look& now);
    // Parses `file` into `parsed`: its new entry.
    CachedFile parse(const std::string& file, const Look& seen, ParsedSnapshot& parsed);
    // A file's objects and facts replaced: into changes_ and index_.
    void noteReplaced(const ParsedSnapshot& before, const ParsedSnapshot& after);

    // The same files as last time: each changed one's share of merged_ is
    // replaced where it is.
    void loadInPlace(std::vector<CachedFile>& old);
    // Files came or went: every share is taken out of merged_, and the new
    // list of them merged again.
    void loadAll(std::vector<CachedFile>& old);
    // Each file's objects taken back out of the last merge.
    std::vector<ParsedSnapshot> takeBackShares(const std::vector<CachedFile>& files);

    std::vector<CachedFile> files_;  // of the last load, in merge order
    ParsedSnapshot merged_;          // their objects; the model moves to result_ when valid
    SnapshotLoadResult result_;
    std::size_t lastParsed_ = 0;
    SnapshotChanges changes_;
    ValidationIndex index_;  // of merged_'s claims and references
};

}  // namespace nodeplane::state
