#include "flowstream/line_queue.h"

namespace nodeplane::flowstream {

bool LineQueue::push(std::string_view line) {
    reportIfCaughtUp();
    if (behind_ || size() + line.size() > maxBytes_) {
        behind_ = true;
        ++unreported_;
        ++lostTotal_;
        return false;
    }
    buffer_.append(line);
    return true;
}

void LineQueue::consume(std::size_t bytes) {
    head_ += bytes;
    if (head_ >= buffer_.size()) {
        buffer_.clear();
        head_ = 0;
    } else if (head_ > buffer_.size() / 2) {
        // Moving the rest down once it is the smaller part keeps the copying
        // linear in what is written.
        buffer_.erase(0, head_);
        head_ = 0;
    }
    reportIfCaughtUp();
}

void LineQueue::reportIfCaughtUp() {
    if (!behind_ || size() > maxBytes_ / 2) return;
    // The notice may overshoot maxBytes_ by its own few bytes; it must not be lost.
    buffer_.append("{\"lost\":" + std::to_string(unreported_) + "}\n");
    unreported_ = 0;
    behind_ = false;
}

}  // namespace nodeplane::flowstream
