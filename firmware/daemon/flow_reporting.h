// The daemon's side of the datapath's reports: reads the np_events_v1 ring
// buffer on the loop, names both ends of each flow from the last applied
// state, and hands the result to the policy action log, the live flow
// stream (`nodeplanectl observe`) and the metrics' counters.
//
// Nothing here can slow the datapath: the ring is read when the loop finds
// it readable (with a wakeup mark, once that many bytes wait) and on a
// 100 ms timer, and a ring the loop cannot keep up with loses records in the
// kernel, counted there (NP_STAT_EVENTS_LOST), never delaying a packet.
#pragma once

#include <memory>

#include "common/event.h"
#include "common/result.h"
#include "config/config.h"
#include "datapath/datapath.h"
#include "datapath/events.h"
#include "flowstream/stream_server.h"
#include "metrics/collector.h"
#include "observe/enricher.h"
#include "policylog/policy_action_logger.h"
#include "state/model.h"

namespace nodeplane::daemon {

class FlowReporting {
public:
    // Opens the ring reader and the flow stream socket, turns the
    // datapath's reporting on or off ([observe] events) and starts the
    // policy log's 1 s timer and, with [observe] wakeup-bytes, the ring's
    // 100 ms consume timer. `datapath` and `loop` must outlive it.
    static Result<std::unique_ptr<FlowReporting>> start(sd_event* loop, datapath::Datapath& datapath,
                                                        const config::Config& config);
    ~FlowReporting();
    FlowReporting(const FlowReporting&) = delete;
    FlowReporting& operator=(const FlowReporting&) = delete;

    // A new state reached the maps: flows are named from it from now on.
    void stateApplied(const state::Model& model);
    // A reloaded configuration: [policy-logging] and [observe] events.
    Status reconfigure(const config::Config& config);
    // Reads what waits in the ring and writes the policy log's folded
    // denials (before the daemon exits).
    void flush();
    // A flow conntrack ageing removed (ConntrackGcTimer's AgedFlowObserver):
    // its close, cause idle-timeout, named as its client sent it
    // (aged_flow_event.h) and sent to the flow stream like the datapath's
    // records; not to the policy log, which is for verdicts. Nothing while
    // [observe] events is off.
    void reportAged(const datapath::ConntrackEntry& entry, const std::optional<datapath::RevNatTarget>& frontend);

    // For the metrics: counters kept here (verdicts, log records, events
    // read), the state-apply histogram the daemon adds to, the stream's.
    metrics::DaemonMetrics& counters() { return counters_; }
    const flowstream::StreamServer& stream() const { return *stream_; }

private:
    FlowReporting(datapath::Datapath& datapath, const config::Config& config);
    void drainRing() noexcept;
    void report(const observe::FlowEvent& event);
    static int onReadable(sd_event_source*, int fd, std::uint32_t revents, void* self) noexcept;
    static int onTick(sd_event_source*, std::uint64_t usec, void* self) noexcept;
    static int onConsumeTimer(sd_event_source*, std::uint64_t usec, void* self) noexcept;

    datapath::Datapath& datapath_;
    bool eventsOn_ = false;  // [observe] events
    std::optional<datapath::EventReader> reader_;
    EventSourcePtr readable_;
    EventSourcePtr tick_;
    // Reads what waits below the datapath's wakeup mark ([observe]
    // wakeup-bytes); null when the datapath wakes the reader per record.
    EventSourcePtr consume_;
    std::unique_ptr<flowstream::StreamServer> stream_;
    policylog::PolicyActionLogger logger_;
    // Of the last applied state; null until the first, when flows go out
    // with their addresses only.
    std::unique_ptr<observe::FlowEnricher> enricher_;
    metrics::DaemonMetrics counters_;
};

}  // namespace nodeplane::daemon
