// What the datapath event tests share: a reader on the datapath's ring, the
// ring read empty, records counted by kind, and the size of one record.
#pragma once

#include <CppUTest/TestHarness.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "datapath/datapath.h"
#include "datapath/events.h"
#include "nodeplane/abi/events.h"

namespace nodeplane::test {

// A ring record: the kernel's 8-byte header plus struct np_event, rounded
// up to 8 bytes (BPF_RINGBUF_HDR_SZ and round_up(..., 8) in kernel/bpf/ringbuf.c).
inline constexpr std::uint32_t kRingRecordBytes = (8 + sizeof(np_event) + 7) & ~std::uint32_t{7};

inline datapath::EventReader openReader(datapath::Datapath& dp) {
    auto reader = dp.openEventReader();
    if (!reader) FAIL(reader.error().message.c_str());
    return std::move(*reader);
}

// Every record waiting in the ring, oldest first.
inline std::vector<observe::FlowEvent> drain(datapath::EventReader& reader) {
    std::vector<observe::FlowEvent> out;
    auto n = reader.consume([&](const observe::FlowEvent& e) { out.push_back(e); });
    CHECK_TEXT(n.ok(), n.ok() ? "" : n.error().message.c_str());
    if (n.ok()) LONGS_EQUAL(out.size(), *n);
    return out;
}

inline std::size_t countOf(const std::vector<observe::FlowEvent>& events, observe::FlowEventKind kind) {
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [&](const observe::FlowEvent& e) { return e.kind == kind; }));
}

}  // namespace nodeplane::test
