// The client end of the flow stream: connect to [observe] socket, send the
// filter line, read JSON lines. Blocking: the CLI does nothing else.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "common/unique_fd.h"
#include "flowstream/flow_filter.h"

namespace nodeplane::ctl {

// [observe] socket's default.
inline constexpr const char* kDefaultObserveSocketPath = "/run/nodeplane/observe.sock";

class ObserveStream {
public:
    // Connects and sends `filter`. Errors name the socket.
    static Result<ObserveStream> open(const std::string& path, const flowstream::FlowFilter& filter);

    // The next line without its '\n'; nullopt when the daemon closed the stream.
    Result<std::optional<std::string>> nextLine();
    // Whether a whole line is already read, so the caller may wait to flush.
    bool lineBuffered() const { return buffer_.find('\n', head_) != std::string::npos; }

private:
    explicit ObserveStream(UniqueFd fd) : fd_(std::move(fd)) {}

    UniqueFd fd_;
    std::string buffer_;
    std::size_t head_ = 0;
};

}  // namespace nodeplane::ctl
