// One `nodeplanectl observe` connection: it first sends its filter as one
// JSON line, then only reads flow lines. Writes never block the loop: lines
// wait in a bounded LineQueue and go out when the socket is writable.
#pragma once

#include <systemd/sd-event.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/event.h"
#include "common/result.h"
#include "common/unique_fd.h"
#include "flowstream/flow_filter.h"
#include "flowstream/line_queue.h"

namespace nodeplane::flowstream {

class StreamClient {
public:
    // Called from the client's own io callback when it is done (hang-up,
    // error, bad filter); the owner destroys the client then, and nothing of
    // it is touched afterwards.
    using Closed = std::function<void(StreamClient&)>;
    // Called once, when the filter has arrived and been accepted.
    using Ready = std::function<void(StreamClient&)>;

    StreamClient(UniqueFd fd, std::size_t maxQueueBytes, std::size_t maxFilterBytes, Ready ready, Closed closed);
    StreamClient(const StreamClient&) = delete;
    StreamClient& operator=(const StreamClient&) = delete;

    Status attach(sd_event* event);

    // The filter, once the client sent it.
    const std::optional<FlowFilter>& filter() const { return filter_; }
    // Queues one line (with '\n'); dropped and counted when the client is behind.
    void send(std::string_view line);
    std::uint64_t lostTotal() const { return queue_.lostTotal(); }

private:
    static int onIo(sd_event_source* source, int fd, std::uint32_t revents, void* userdata) noexcept;
    // false: the client is finished and closed_ was called.
    bool readInput(std::uint32_t revents);
    bool flush();
    void watchWritable(bool on);

    UniqueFd fd_;
    LineQueue queue_;
    std::size_t maxFilterBytes_;
    Ready ready_;
    Closed closed_;
    std::string input_;  // the filter line so far
    std::optional<FlowFilter> filter_;
    bool closeWhenFlushed_ = false;  // after an error line
    bool writableWatched_ = false;
    bool inputClosed_ = false;  // the client shut its sending side after the filter
    EventSourcePtr io_;  // last: removed before the fd closes
};

}  // namespace nodeplane::flowstream
