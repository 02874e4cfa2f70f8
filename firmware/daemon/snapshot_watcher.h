// Watches the snapshot file or directory with inotify and reports "something
// changed" once things settle, so a reload reads a finished write rather than
// the middle of an editor's save (truncate, write, rename...).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/event.h"
#include "common/result.h"
#include "common/unique_fd.h"

namespace nodeplane::daemon {

class SnapshotWatcher {
public:
    using Callback = std::function<void()>;

    // How long the path must stay quiet before the callback runs.
    static constexpr std::uint64_t kSettleUsec = 150'000;
    // A snapshot file (the single file, or one of a directory's) renamed
    // into place or closed after writing is whole: a short wait only folds a
    // burst of such events into one load.
    static constexpr std::uint64_t kCompleteSettleUsec = 5'000;

    // One inotify event: its mask and the file name it is about ("" for the
    // watched directory itself).
    struct WatchEvent {
        std::uint32_t mask = 0;
        std::string_view name;
    };
    // How long to wait after a batch of events before loading (0: nothing
    // relevant changed). `watchedName` is the snapshot file's name in the
    // watched directory, empty when the snapshot is the directory.
    static std::uint64_t settleAfter(const std::vector<WatchEvent>& events, const std::string& watchedName);

    // Heap-allocated because the event sources point back at the object.
    static Result<std::unique_ptr<SnapshotWatcher>> create(sd_event* loop, const std::string& path,
                                                           Callback onChange);

    SnapshotWatcher(const SnapshotWatcher&) = delete;
    SnapshotWatcher& operator=(const SnapshotWatcher&) = delete;

private:
    SnapshotWatcher(sd_event* loop, std::string path, Callback onChange)
        : loop_(loop), path_(std::move(path)), onChange_(std::move(onChange)) {}

    Status arm();
    static int onInotify(sd_event_source*, int fd, uint32_t revents, void* self) noexcept;
    static int onSettled(sd_event_source*, uint64_t usec, void* self) noexcept;

    sd_event* loop_;
    std::string path_;
    std::string watchedName_;  // file name in the watched directory, empty: any *.toml
    Callback onChange_;
    UniqueFd inotify_;
    EventSourcePtr ioSource_;
    EventSourcePtr settleTimer_;
};

}  // namespace nodeplane::daemon
