// The control API's listening unix socket: its directory made if missing, a
// stale socket from a dead daemon replaced, a live daemon's socket left
// alone, the file removed again when the daemon stops.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "common/result.h"
#include "common/unique_fd.h"

namespace nodeplane::bus {

class ControlSocket {
public:
    // Missing parent directories are created 0755; the socket is made 0660 so
    // that only its owner (root) and group may connect.
    static Result<std::unique_ptr<ControlSocket>> listen(const std::string& path);
    ~ControlSocket();
    ControlSocket(const ControlSocket&) = delete;
    ControlSocket& operator=(const ControlSocket&) = delete;

    int fd() const { return fd_.get(); }
    const std::string& path() const { return path_; }

private:
    ControlSocket(UniqueFd fd, std::string path, dev_t dev, ino_t ino);

    UniqueFd fd_;
    std::string path_;
    // Identity of the socket file we bound, so that we never remove a file a
    // newer daemon has put at the same path.
    dev_t dev_;
    ino_t ino_;
};

}  // namespace nodeplane::bus
