#include "nodeplanectl/observe_stream.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

namespace nodeplane::ctl {
namespace {

constexpr std::size_t kReadChunkBytes = 64 * 1024;

Status writeAll(int fd, const std::string& data, const std::string& path) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error::fromErrno(errno, "Failed to send the filter to '" + path + "'");
        done += static_cast<std::size_t>(n);
    }
    return {};
}

}  // namespace

Result<ObserveStream> ObserveStream::open(const std::string& path, const flowstream::FlowFilter& filter) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) return Error::logical("Socket path '" + path + "' is too long");
    std::memcpy(address.sun_path, path.data(), path.size());
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Error::fromErrno(errno, "Failed to create a unix socket");
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        return Error::fromErrno(errno, "Failed to connect to the flow stream at '" + path + "'");
    if (auto sent = writeAll(fd.get(), flowstream::filterToJson(filter).dump() + "\n", path); !sent)
        return sent.error();
    return ObserveStream(std::move(fd));
}

Result<std::optional<std::string>> ObserveStream::nextLine() {
    for (;;) {
        if (auto newline = buffer_.find('\n', head_); newline != std::string::npos) {
            std::string line = buffer_.substr(head_, newline - head_);
            head_ = newline + 1;
            return std::optional<std::string>(std::move(line));
        }
        buffer_.erase(0, head_);
        head_ = 0;
        char chunk[kReadChunkBytes];
        ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error::fromErrno(errno, "Failed to read the flow stream");
        if (n == 0) return std::optional<std::string>();
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

}  // namespace nodeplane::ctl
