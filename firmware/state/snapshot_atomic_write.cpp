// writeSnapshotAtomically: readers of the snapshot (the daemon on its next
// start, a directory watcher) see the old file or the new one, never a part
// of either, and a crash after returning keeps the new one.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <vector>

#include "common/unique_fd.h"
#include "state/snapshot_writer.h"

namespace nodeplane::state {
namespace {

constexpr mode_t kSnapshotMode = 0600;  // it names pods and their addresses

// Removes the temporary file unless it was renamed into place.
class TemporaryFile {
public:
    explicit TemporaryFile(std::string path) : path_(std::move(path)) {}
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    ~TemporaryFile() {
        if (!kept_) ::unlink(path_.c_str());
    }
    void keep() { kept_ = true; }

private:
    std::string path_;
    bool kept_ = false;
};

std::string directoryOf(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string baseNameOf(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// "<step> '<file>'". Called right after the failing call, with strings that
// exist already: errno is read before anything else can change it.
Status failed(const std::string& path, const char* step, const std::string& file) {
    int errnum = errno;
    return Error::fromErrno(errnum, "Failed to write the snapshot '" + path + "': " + step + " '" + file + "'");
}

Status writeAll(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return Error::fromErrno(errno, "write");
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

}  // namespace

Status writeTextAtomically(const std::string& path, const std::string& text) {
    if (path.empty() || path.back() == '/')
        return Error::logical("Failed to write the snapshot '" + path + "': not a file name");
    const std::string directory = directoryOf(path);
    // Hidden and not ending in .toml: a snapshot directory's reader skips it.
    std::string pattern = directory + "/." + baseNameOf(path) + ".tmp-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));
    if (fd.get() < 0) return failed(path, "cannot create a temporary file in", directory);
    const std::string temporary(name.data());
    TemporaryFile guard(temporary);

    if (::fchmod(fd.get(), kSnapshotMode) != 0) return failed(path, "chmod of", temporary);
    if (auto written = writeAll(fd.get(), text); !written) {
        errno = written.error().errnum;
        return failed(path, "write to", temporary);
    }
    if (::fsync(fd.get()) != 0) return failed(path, "fsync of", temporary);
    if (::close(fd.release()) != 0) return failed(path, "close of", temporary);
    if (::rename(temporary.c_str(), path.c_str()) != 0)
        return failed(path, "cannot rename over it", temporary);
    guard.keep();

    // The rename is durable once the directory is.
    UniqueFd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0 || ::fsync(dir.get()) != 0)
        return failed(path, "written, but cannot fsync its directory", directory);
    return {};
}

Status writeSnapshotAtomically(const std::string& path, const Model& model) {
    return writeTextAtomically(path, renderSnapshot(model));
}

}  // namespace nodeplane::state
