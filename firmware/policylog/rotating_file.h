// An append-only log file rotated by size: before a line would take it past
// `maxBytes`, PATH.N is dropped, PATH.i becomes PATH.(i+1) and PATH becomes
// PATH.1, then a new PATH is opened (what GKE keeps: 10 MB, five backups).
// The directory is made (0755) and the file created (0640) when missing.
// Someone else may remove or rotate the file (logrotate, an operator): at
// most once a second the path is checked against the open file (ENOENT or
// another inode) and reopened. Time is passed in, so tests need no sleep.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace nodeplane::policylog {

class RotatingFile {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    struct Options {
        std::string path;  // absolute
        std::uint64_t maxBytes = 10485760;
        std::uint32_t backups = 5;

        bool operator==(const Options&) const = default;
    };

    explicit RotatingFile(Options options) : options_(std::move(options)) {}

    // Appends `line` and a newline in one write. Opens the file on first
    // use; a failure is returned and the next append tries again.
    Status append(std::string_view line, TimePoint now);

    const Options& options() const { return options_; }
    // PATH.n, for n in 1..backups.
    std::string backupPath(std::uint32_t n) const;

private:
    Status open();
    Status rotate();
    // Reopens when the path no longer names the open file.
    Status followPath();

    static constexpr std::chrono::seconds kPathCheckInterval{1};

    Options options_;
    UniqueFd fd_;
    std::uint64_t size_ = 0;
    dev_t device_ = 0;
    ino_t inode_ = 0;
    TimePoint lastPathCheck_{};
};

// mkdir -p with `mode` for each directory it creates.
Status makeDirectories(const std::string& path, mode_t mode);

}  // namespace nodeplane::policylog
