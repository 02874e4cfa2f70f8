#include "flowstream/stream_client.h"

#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "common/log.h"

namespace nodeplane::flowstream {
namespace {

constexpr std::size_t kReadChunkBytes = 4096;

std::string errorLine(const std::string& message) {
    return nlohmann::json{{"error", message}}.dump() + "\n";
}

}  // namespace

StreamClient::StreamClient(UniqueFd fd, std::size_t maxQueueBytes, std::size_t maxFilterBytes, Ready ready,
                           Closed closed)
    : fd_(std::move(fd)),
      queue_(maxQueueBytes),
      maxFilterBytes_(maxFilterBytes),
      ready_(std::move(ready)),
      closed_(std::move(closed)) {}

Status StreamClient::attach(sd_event* event) {
    sd_event_source* source = nullptr;
    int r = sd_event_add_io(event, &source, fd_.get(), EPOLLIN, &StreamClient::onIo, this);
    if (r < 0) return Error::fromErrno(r, "Failed to watch an observe client");
    io_.reset(source);
    sd_event_source_set_description(source, "observe-client");
    return {};
}

void StreamClient::send(std::string_view line) {
    if (closeWhenFlushed_) return;
    if (queue_.push(line) && !writableWatched_) watchWritable(true);
}

void StreamClient::watchWritable(bool on) {
    writableWatched_ = on;
    const std::uint32_t in = inputClosed_ ? 0u : std::uint32_t{EPOLLIN};
    sd_event_source_set_io_events(io_.get(), on ? in | EPOLLOUT : in);
}

int StreamClient::onIo(sd_event_source*, int, std::uint32_t revents, void* userdata) noexcept {
    auto* self = static_cast<StreamClient*>(userdata);
    // Each step returns false once closed_ has run: `self` is gone then.
    if ((revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !self->readInput(revents)) return 0;
    if ((revents & EPOLLOUT) && !self->flush()) return 0;
    return 0;
}

bool StreamClient::readInput(std::uint32_t revents) {
    char chunk[kReadChunkBytes];
    for (;;) {
        ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return true;
        if (n == 0 && filter_ && !(revents & (EPOLLHUP | EPOLLERR))) {
            // `echo FILTER | nc -U` shuts its sending side and goes on
            // reading: stop watching the end of its input, keep writing.
            inputClosed_ = true;
            watchWritable(writableWatched_);
            return true;
        }
        if (n <= 0) {  // hang-up or error: the reader is gone
            closed_(*this);
            return false;
        }
        if (filter_ || closeWhenFlushed_) continue;  // nothing more is asked of a client after its filter
        input_.append(chunk, static_cast<std::size_t>(n));
        auto newline = input_.find('\n');
        if (newline == std::string::npos) {
            if (input_.size() > maxFilterBytes_) {
                send(errorLine("the filter line is longer than " + std::to_string(maxFilterBytes_) + " bytes"));
                closeWhenFlushed_ = true;
            }
            continue;
        }
        auto parsed = filterFromJson(std::string_view(input_).substr(0, newline));
        input_.clear();
        if (!parsed) {
            spdlog::debug("Refusing an observe client: {}", parsed.error().message);
            send(errorLine(parsed.error().message));
            closeWhenFlushed_ = true;
            continue;
        }
        filter_ = std::move(parsed).value();
        ready_(*this);
    }
}

bool StreamClient::flush() {
    while (!queue_.empty()) {
        std::string_view pending = queue_.pending();
        ssize_t n = ::send(fd_.get(), pending.data(), pending.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return true;  // EPOLLOUT stays on
        if (n < 0) {
            closed_(*this);
            return false;
        }
        queue_.consume(static_cast<std::size_t>(n));
    }
    if (closeWhenFlushed_) {
        closed_(*this);
        return false;
    }
    watchWritable(false);
    return true;
}

}  // namespace nodeplane::flowstream
