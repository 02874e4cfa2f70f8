// A listening unix stream socket at a path, for the control API and the flow
// stream: parent directories made if missing, a stale socket from a dead
// daemon replaced, a live one left alone, the file removed when the owner
// goes (unless another process replaced it).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/unique_fd.h"

namespace nodeplane {

class UnixListenSocket {
public:
    // Non-blocking, close-on-exec; the socket file gets `mode` before the
    // first connection can be accepted. `role` starts the errors about the
    // path ("Control socket").
    static Result<std::unique_ptr<UnixListenSocket>> listen(const std::string& path, mode_t mode,
                                                            std::string_view role);
    ~UnixListenSocket();
    UnixListenSocket(const UnixListenSocket&) = delete;
    UnixListenSocket& operator=(const UnixListenSocket&) = delete;

    int fd() const { return fd_.get(); }
    const std::string& path() const { return path_; }

private:
    UnixListenSocket(UniqueFd fd, std::string path, dev_t dev, ino_t ino);

    UniqueFd fd_;
    std::string path_;
    dev_t dev_;  // the file we bound, so a successor's socket is never removed
    ino_t ino_;
};

}  // namespace nodeplane
