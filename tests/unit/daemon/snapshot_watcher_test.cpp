// How long the snapshot watcher waits after a batch of inotify events: a
// file renamed into place or closed after writing is whole (short wait), in
// a directory snapshot as for a single file; anything else may be half done.
#include <sys/inotify.h>

#include <CppUTest/TestHarness.h>

#include "daemon/snapshot_watcher.h"

using nodeplane::daemon::SnapshotWatcher;
using Events = std::vector<SnapshotWatcher::WatchEvent>;

namespace {

constexpr auto kShort = SnapshotWatcher::kCompleteSettleUsec;
constexpr auto kLong = SnapshotWatcher::kSettleUsec;

std::uint64_t inDirectory(const Events& events) { return SnapshotWatcher::settleAfter(events, ""); }
std::uint64_t forFile(const Events& events) { return SnapshotWatcher::settleAfter(events, "state.toml"); }

}  // namespace

TEST_GROUP(SnapshotWatcherSettle){};

TEST(SnapshotWatcherSettle, ADirectoryFileRenamedIntoPlaceIsReadSoon) {
    // What a careful writer does: write beside under another name, rename.
    LONGS_EQUAL(kShort, inDirectory({{IN_CREATE, "team-a.toml.staged"},
                                     {IN_CLOSE_WRITE, "team-a.toml.staged"},
                                     {IN_MOVED_FROM, "team-a.toml.staged"},
                                     {IN_MOVED_TO, "team-a.toml"}}));
    LONGS_EQUAL(kShort, inDirectory({{IN_CREATE, "team-b.toml"}, {IN_CLOSE_WRITE, "team-b.toml"}}));
}

TEST(SnapshotWatcherSettle, ADirectoryFileStillBeingWrittenOrLeavingWaitsLonger) {
    LONGS_EQUAL(kLong, inDirectory({{IN_CREATE, "team-a.toml"}}));
    LONGS_EQUAL(kLong, inDirectory({{IN_DELETE, "team-a.toml"}}));
    LONGS_EQUAL(kLong, inDirectory({{IN_MOVED_TO, "team-b.toml"}, {IN_MOVED_FROM, "team-a.toml"}}));
    LONGS_EQUAL(kLong, inDirectory({{IN_DELETE_SELF, ""}}));
}

TEST(SnapshotWatcherSettle, FilesTheLoaderDoesNotReadAreNotAChange) {
    LONGS_EQUAL(0, inDirectory({{IN_MOVED_TO, ".hidden.toml"}, {IN_CLOSE_WRITE, "notes.txt"}, {IN_DELETE, ".toml"}}));
    LONGS_EQUAL(0, inDirectory({}));
}

TEST(SnapshotWatcherSettle, ASingleFileCountsOnlyItsOwnEvents) {
    LONGS_EQUAL(kShort, forFile({{IN_MOVED_FROM, "state.toml.staged"}, {IN_MOVED_TO, "state.toml"}}));
    LONGS_EQUAL(kLong, forFile({{IN_CREATE, "state.toml"}}));
    LONGS_EQUAL(0, forFile({{IN_MOVED_TO, "other.toml"}}));
    LONGS_EQUAL(kLong, forFile({{IN_MOVE_SELF, ""}}));
}
