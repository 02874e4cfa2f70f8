// The bytes waiting for one slow reader, bounded: a line that does not fit
// is dropped and counted, and once the reader has caught up (the queue half
// empty) a {"lost": N} line tells it how many it missed. Half, not "any
// room": a reader just keeping pace would otherwise get a lost line between
// every two flows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nodeplane::flowstream {

class LineQueue {
public:
    explicit LineQueue(std::size_t maxBytes) : maxBytes_(maxBytes) {}

    // Appends one whole line (with its '\n'), or drops it; false when dropped.
    bool push(std::string_view line);
    // What is to be written next; empty when nothing is.
    std::string_view pending() const { return std::string_view(buffer_).substr(head_); }
    // `bytes` of pending() went out.
    void consume(std::size_t bytes);

    bool empty() const { return head_ == buffer_.size(); }
    std::size_t size() const { return buffer_.size() - head_; }
    // Lines dropped that no lost line has reported yet.
    std::uint64_t unreported() const { return unreported_; }
    // Every line dropped so far.
    std::uint64_t lostTotal() const { return lostTotal_; }

private:
    void reportIfCaughtUp();

    std::size_t maxBytes_;
    std::string buffer_;
    std::size_t head_ = 0;  // bytes of buffer_ already written
    bool behind_ = false;   // dropping until half empty
    std::uint64_t unreported_ = 0;
    std::uint64_t lostTotal_ = 0;
};

}  // namespace nodeplane::flowstream
