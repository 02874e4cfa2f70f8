// Datapath events as user space reads them: the np_event records the programs
// write into the np_events_v1 ring buffer (bpf/include/nodeplane/abi/events.h),
// decoded into observe::FlowEvent with their time made wall-clock.
//
// EventReader owns libbpf's ring_buffer on the ring's fd. It does no I/O of
// its own: the daemon adds fd() to its sd-event loop as an io source and calls
// consume() when it is readable, on the loop's one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "common/result.h"
#include "observe/flow_event.h"

namespace nodeplane::datapath {

// The ring's size in bytes must be a power of two and a multiple of the page
// size (the kernel's rule for BPF_MAP_TYPE_RINGBUF); names the setting if not.
Status checkEventsRingBytes(std::uint32_t bytes);

// CLOCK_REALTIME minus CLOCK_BOOTTIME now: added to a record's
// bpf_ktime_get_boot_ns() it gives wall-clock time. Read again at every
// consume(), so a clock step reaches the next batch.
std::chrono::nanoseconds bootToRealtimeOffset();

// One record, `size` bytes at `data`. An error for a record shorter than
// struct np_event or of a type this daemon does not know (a newer datapath's
// record across an upgrade); longer records are decoded by their known prefix.
Result<observe::FlowEvent> decodeEvent(const void* data, std::size_t size, std::chrono::nanoseconds bootToRealtime);

class EventReader {
public:
    using Sink = std::function<void(const observe::FlowEvent&)>;

    // Over the ring buffer map `ringFd` (borrowed: the Datapath keeps it open
    // for as long as the reader lives).
    static Result<EventReader> open(int ringFd);

    EventReader(EventReader&&) noexcept;
    EventReader& operator=(EventReader&&) noexcept;
    EventReader(const EventReader&) = delete;
    EventReader& operator=(const EventReader&) = delete;
    ~EventReader();

    // Becomes readable (EPOLLIN) when records wait: for sd_event_add_io().
    int fd() const;

    // Hands every waiting record to `sink`, oldest first, and returns how
    // many it handed; never blocks. Records that cannot be decoded are
    // skipped and counted (skipped()). A sink that throws stops the batch:
    // the records after it stay for the next call.
    Result<std::size_t> consume(const Sink& sink);

    // Records skipped since open(): too short or of an unknown type.
    std::uint64_t skipped() const;

private:
    struct State;
    explicit EventReader(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace nodeplane::datapath
