#include "daemon/snapshot_watcher.h"

#include <spdlog/spdlog.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <array>
#include <filesystem>

namespace nodeplane::daemon {

namespace fs = std::filesystem;

Result<std::unique_ptr<SnapshotWatcher>> SnapshotWatcher::create(sd_event* loop, const std::string& path,
                                                                 Callback onChange) {
    std::unique_ptr<SnapshotWatcher> w(new SnapshotWatcher(loop, path, std::move(onChange)));
    if (auto st = w->arm(); !st) return st.error();
    return w;
}

Status SnapshotWatcher::arm() {
    inotify_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!inotify_.valid()) return Error::fromErrno(errno, "Failed to create inotify instance");

    // A directory snapshot is watched itself; a file is watched through its
    // directory, because editors and `mv` replace the file (a new inode) and a
    // watch on the old inode would go silent.
    std::error_code ec;
    std::string dir;
    if (fs::is_directory(path_, ec)) {
        dir = path_;
    } else {
        fs::path p(path_);
        dir = p.has_parent_path() ? p.parent_path().string() : ".";
        watchedName_ = p.filename().string();
    }
    constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                               IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB;
    if (::inotify_add_watch(inotify_.get(), dir.c_str(), kMask) < 0)
        return Error::fromErrno(errno, "Failed to watch '" + dir + "' for snapshot changes");

    sd_event_source* src = nullptr;
    int r = sd_event_add_io(loop_, &src, inotify_.get(), EPOLLIN, &SnapshotWatcher::onInotify, this);
    if (r < 0) return Error::fromErrno(r, "Failed to add inotify to the event loop");
    ioSource_.reset(src);

    // Accuracy 1 us: 0 would mean sd-event's default slack of 250 ms, which
    // was most of a reload's latency.
    r = sd_event_add_time(loop_, &src, CLOCK_MONOTONIC, UINT64_MAX, 1, &SnapshotWatcher::onSettled, this);
    if (r < 0) return Error::fromErrno(r, "Failed to add the settle timer");
    settleTimer_.reset(src);
    sd_event_source_set_enabled(settleTimer_.get(), SD_EVENT_OFF);
    return {};
}

std::uint64_t SnapshotWatcher::settleAfter(const std::vector<WatchEvent>& events, const std::string& watchedName) {
    bool relevant = false;
    bool complete = false;  // a watched file was renamed into place or closed after writing
    bool leaving = false;   // a file of a directory snapshot went away
    for (const auto& ev : events) {
        if (ev.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW)) {
            relevant = true;
        } else if (watchedName.empty()) {
            // A directory snapshot's *.toml files: one renamed into place or
            // closed after writing is whole, as a single file is; a file
            // leaving may be the start of a rearrangement.
            if (ev.name.size() > 5 && ev.name.ends_with(".toml") && ev.name[0] != '.') {
                relevant = true;
                complete |= (ev.mask & (IN_MOVED_TO | IN_CLOSE_WRITE)) != 0;
                leaving |= (ev.mask & (IN_DELETE | IN_MOVED_FROM)) != 0;
            }
        } else if (ev.name == watchedName) {
            relevant = true;
            complete |= (ev.mask & (IN_MOVED_TO | IN_CLOSE_WRITE)) != 0;
        }
    }
    if (!relevant) return 0;
    return complete && !leaving ? kCompleteSettleUsec : kSettleUsec;
}

int SnapshotWatcher::onInotify(sd_event_source*, int fd, uint32_t, void* userdata) noexcept {
    auto* self = static_cast<SnapshotWatcher*>(userdata);
    alignas(struct inotify_event) std::array<char, 8192> buf;
    std::vector<WatchEvent> events;
    std::vector<std::string> names;  // owns what the events' names view
    try {
        for (;;) {
            ssize_t n = ::read(fd, buf.data(), buf.size());
            if (n <= 0) break;
            for (char* p = buf.data(); p < buf.data() + n;) {
                auto* ev = reinterpret_cast<struct inotify_event*>(p);
                names.emplace_back(ev->len ? ev->name : "");
                events.push_back({ev->mask, {}});
                p += sizeof(struct inotify_event) + ev->len;
            }
        }
        for (std::size_t i = 0; i < events.size(); ++i) events[i].name = names[i];
    } catch (const std::exception& e) {
        spdlog::error("Failed to read snapshot change events: {}", e.what());
        return 0;
    }
    if (const std::uint64_t settle = settleAfter(events, self->watchedName_); settle != 0) {
        sd_event_source_set_time(self->settleTimer_.get(), monotonicDeadline(self->loop_, settle));
        sd_event_source_set_enabled(self->settleTimer_.get(), SD_EVENT_ONESHOT);
    }
    return 0;
}

int SnapshotWatcher::onSettled(sd_event_source*, uint64_t, void* userdata) noexcept {
    auto* self = static_cast<SnapshotWatcher*>(userdata);
    try {
        self->onChange_();
    } catch (const std::exception& e) {
        spdlog::error("Snapshot change handler failed: {}", e.what());
    }
    return 0;
}

}  // namespace nodeplane::daemon
