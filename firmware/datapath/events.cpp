#include "datapath/events.h"

#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>
#include <utility>

#include "common/c_handle.h"
#include "datapath/abi.h"
#include "nodeplane/abi/policy.h"

namespace nodeplane::datapath {

namespace {

using RingBuffer = CHandle<ring_buffer, ring_buffer__free>;

std::chrono::nanoseconds clockNs(clockid_t clock) {
    timespec ts{};
    ::clock_gettime(clock, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

IpAddress addressOf(std::uint8_t family, const __u8 (&bytes)[16]) {
    IpAddress out;
    if (family == NP_FAMILY_IPV6) {
        out.family = IpFamily::V6;
        std::memcpy(out.bytes.data(), bytes, 16);
    } else {
        // IPv4, and records of packets dropped before their family was
        // known (non-IP frames: the address stays 0.0.0.0).
        out.family = IpFamily::V4;
        std::memcpy(out.bytes.data(), bytes, 4);
    }
    return out;
}

bool knownType(std::uint8_t type) {
    switch (type) {
    case NP_EVENT_POLICY_VERDICT:
    case NP_EVENT_DROP:
    case NP_EVENT_SERVICE_TRANSLATION:
    case NP_EVENT_FLOW_OPEN:
    case NP_EVENT_FLOW_CLOSE: return true;
    default: return false;
    }
}

}  // namespace

Status checkEventsRingBytes(std::uint32_t bytes) {
    const long page = ::sysconf(_SC_PAGESIZE);
    const bool powerOfTwo = bytes != 0 && (bytes & (bytes - 1)) == 0;
    if (!powerOfTwo || page <= 0 || bytes < static_cast<unsigned long>(page))
        return Error::logical("[observe] ring-buffer-bytes must be a power of two of at least the page size (" +
                              std::to_string(page) + " bytes), not " + std::to_string(bytes));
    return {};
}

std::chrono::nanoseconds bootToRealtimeOffset() { return clockNs(CLOCK_REALTIME) - clockNs(CLOCK_BOOTTIME); }

Result<observe::FlowEvent> decodeEvent(const void* data, std::size_t size, std::chrono::nanoseconds bootToRealtime) {
    if (data == nullptr || size < sizeof(np_event))
        return Error::logical("event record of " + std::to_string(size) + " bytes, expected at least " +
                              std::to_string(sizeof(np_event)));
    np_event raw{};
    std::memcpy(&raw, data, sizeof(raw));  // the ring gives no alignment promise beyond 8
    if (!knownType(raw.type)) return Error::logical("event record of unknown type " + std::to_string(raw.type));

    observe::FlowEvent out;
    out.kind = static_cast<observe::FlowEventKind>(raw.type);
    const auto sinceEpoch = std::chrono::nanoseconds(raw.timestamp_ns) + bootToRealtime;
    out.time = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(sinceEpoch));
    out.protocol = raw.protocol;
    out.src = addressOf(raw.family, raw.saddr);
    out.dst = addressOf(raw.family, raw.daddr);
    out.srcPort = ntohs(raw.sport);
    out.dstPort = ntohs(raw.dport);
    out.ifindex = raw.ifindex;
    out.endpointId = raw.endpoint_id;
    // Only policy records carry a policy direction; the others' is the tc
    // hook's, which FlowEvent does not keep.
    if (out.kind == observe::FlowEventKind::PolicyVerdict) {
        out.direction = raw.direction == NP_POLICY_INGRESS ? observe::PolicyDirection::Ingress
                                                           : observe::PolicyDirection::Egress;
        out.allowed = raw.allowed != 0;
    } else {
        out.allowed = out.kind != observe::FlowEventKind::Drop;
    }
    out.policyId = raw.policy_id;
    out.remoteIdentity = raw.remote_identity;
    out.dropReason = raw.reason;
    if (out.kind == observe::FlowEventKind::ServiceTranslation) {
        out.frontend = addressOf(raw.family, raw.orig_daddr);
        out.frontendPort = ntohs(raw.orig_dport);
    }
    out.revNatId = raw.rev_nat_id;
    out.length = raw.len;
    // The datapath reports a close at its FIN or RST; ageing's closes come
    // from the daemon, not through the ring.
    if (out.kind == observe::FlowEventKind::FlowClose) out.closeCause = observe::CloseCause::Finished;
    out.packets = raw.packets;
    out.bytes = raw.bytes;
    return out;
}

// Lives on the heap so the address libbpf holds as its callback context stays
// put when the reader is moved.
struct EventReader::State {
    RingBuffer ring;
    const Sink* sink = nullptr;              // set for the length of one consume()
    std::chrono::nanoseconds offset{0};      // bootToRealtimeOffset() of this batch
    std::size_t delivered = 0;
    std::uint64_t skipped = 0;
    std::string failure;                     // what the sink threw, if it did

    static int onRecord(void* ctx, void* data, std::size_t size) noexcept {
        auto* self = static_cast<State*>(ctx);
        auto event = decodeEvent(data, size, self->offset);
        if (!event) {
            ++self->skipped;
            return 0;
        }
        try {
            (*self->sink)(*event);
        } catch (const std::exception& e) {
            self->failure = e.what();
            return -ECANCELED;  // libbpf stops the batch; this record counts as read
        } catch (...) {
            self->failure = "unknown exception";
            return -ECANCELED;
        }
        ++self->delivered;
        return 0;
    }
};

EventReader::EventReader(std::unique_ptr<State> state) : state_(std::move(state)) {}
EventReader::EventReader(EventReader&&) noexcept = default;
EventReader& EventReader::operator=(EventReader&&) noexcept = default;
EventReader::~EventReader() = default;

Result<EventReader> EventReader::open(int ringFd) {
    auto state = std::make_unique<State>();
    state->ring.reset(::ring_buffer__new(ringFd, &State::onRecord, state.get(), nullptr));
    if (!state->ring) return Error::fromErrno(errno, "Failed to open the " NP_MAP_EVENTS " ring buffer");
    return EventReader(std::move(state));
}

int EventReader::fd() const { return ::ring_buffer__epoll_fd(state_->ring.get()); }

Result<std::size_t> EventReader::consume(const Sink& sink) {
    State& state = *state_;
    state.sink = &sink;
    state.offset = bootToRealtimeOffset();
    state.delivered = 0;
    state.failure.clear();
    const int rc = ::ring_buffer__consume(state.ring.get());
    state.sink = nullptr;
    if (!state.failure.empty())
        return Error::logical("An event consumer failed: " + state.failure + "; the rest stays for the next read");
    if (rc < 0) return Error::fromErrno(rc, "Failed to read the " NP_MAP_EVENTS " ring buffer");
    return state.delivered;
}

std::uint64_t EventReader::skipped() const { return state_->skipped; }

}  // namespace nodeplane::datapath
