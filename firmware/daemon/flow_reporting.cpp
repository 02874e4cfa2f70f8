#include "daemon/flow_reporting.h"

#include <spdlog/spdlog.h>

#include "daemon/aged_flow_event.h"
#include "nodeplane/abi/events.h"
#include "policylog/default_sinks.h"

namespace nodeplane::daemon {
namespace {

constexpr std::uint64_t kTickUsec = 1'000'000;
// One loop iteration takes at most this many records, so a flood of
// events cannot starve the health server, a reload or the flow stream's
// clients; the rest wait in the ring (and the io source fires again at
// once). The loop dispatches one source per iteration, so between two
// batches each observe client gets one flush, which moves at most a socket
// buffer (about 200 KiB, ~450 flow lines): a batch must not queue more than
// that, or a backlog read at once (8192 records were 3.8 MB of lines)
// overflows a client's 4 MiB queue while the client waits for the next
// flush (tests/e2e/observe/observe_load.sh lost 70% at 20000 flows/s).
constexpr std::size_t kRecordsPerWakeup = 256;
// With a wakeup mark the datapath does not wake the loop for records below
// it: they are read this often, so `nodeplanectl observe` shows a quiet
// node's flow within interval + accuracy (150 ms, the issue allows 1 s).
// The accuracy lets sd-event fold this wakeup into others'.
constexpr std::uint64_t kConsumeIntervalUsec = 100'000;
constexpr std::uint64_t kConsumeAccuracyUsec = 50'000;

std::uint32_t eventMaskFor(const config::Config& config) { return config.observe.events ? NP_EVENTS_F_ALL : 0; }

observe::EnrichedFlow unnamed(const observe::FlowEvent& event) {
    observe::EnrichedFlow flow;
    flow.event = event;
    flow.src.address = event.src;
    flow.dst.address = event.dst;
    return flow;
}

}  // namespace

FlowReporting::FlowReporting(datapath::Datapath& datapath, const config::Config& config)
    : datapath_(datapath),
      eventsOn_(config.observe.events),
      logger_(policylog::settingsFrom(config), [] { return std::chrono::steady_clock::now(); },
              policylog::makeDefaultSinks) {}

FlowReporting::~FlowReporting() = default;

Result<std::unique_ptr<FlowReporting>> FlowReporting::start(sd_event* loop, datapath::Datapath& datapath,
                                                           const config::Config& config) {
    std::unique_ptr<FlowReporting> self(new FlowReporting(datapath, config));
    auto reader = datapath.openEventReader();
    if (!reader) return reader.error();
    self->reader_.emplace(std::move(reader).value());

    auto stream = flowstream::StreamServer::start(loop, config.observe.socket);
    if (!stream) return stream.error();
    self->stream_ = std::move(stream).value();

    sd_event_source* src = nullptr;
    if (int r = sd_event_add_io(loop, &src, self->reader_->fd(), EPOLLIN, &FlowReporting::onReadable, self.get());
        r < 0)
        return Error::fromErrno(r, "Failed to watch the datapath's event ring");
    self->readable_.reset(src);
    if (int r = sd_event_add_time(loop, &src, CLOCK_MONOTONIC, monotonicDeadline(loop, kTickUsec), 0,
                                  &FlowReporting::onTick, self.get());
        r < 0)
        return Error::fromErrno(r, "Failed to add the policy log timer");
    self->tick_.reset(src);
    sd_event_source_set_enabled(src, SD_EVENT_ON);
    if (config.observe.wakeupBytes > 0) {
        if (int r = sd_event_add_time(loop, &src, CLOCK_MONOTONIC, monotonicDeadline(loop, kConsumeIntervalUsec),
                                      kConsumeAccuracyUsec, &FlowReporting::onConsumeTimer, self.get());
            r < 0)
            return Error::fromErrno(r, "Failed to add the event ring's consume timer");
        self->consume_.reset(src);
        // Nothing to read while the datapath writes nothing.
        sd_event_source_set_enabled(src, config.observe.events ? SD_EVENT_ON : SD_EVENT_OFF);
    }

    // Last: records are only written once something reads them.
    if (auto st = datapath.setEventMask(eventMaskFor(config)); !st) return st.error();
    spdlog::info("Flow events {}; flow stream on {}; policy action log {}",
                 config.observe.events ? "on" : "off", config.observe.socket,
                 self->logger_.enabled() ? "on" : "off");
    return self;
}

void FlowReporting::stateApplied(const state::Model& model) {
    enricher_ = std::make_unique<observe::FlowEnricher>(model);
}

Status FlowReporting::reconfigure(const config::Config& config) {
    logger_.reconfigure(policylog::settingsFrom(config));
    eventsOn_ = config.observe.events;
    if (consume_) sd_event_source_set_enabled(consume_.get(), config.observe.events ? SD_EVENT_ON : SD_EVENT_OFF);
    return datapath_.setEventMask(eventMaskFor(config));
}

void FlowReporting::flush() {
    // Records below the wakeup mark may still wait for the consume timer.
    drainRing();
    logger_.flush();
    counters_.logRecordsWritten = logger_.counters().recordsWritten;
    counters_.logRecordsDropped = logger_.counters().recordsDropped;
}

void FlowReporting::reportAged(const datapath::ConntrackEntry& entry,
                               const std::optional<datapath::RevNatTarget>& frontend) {
    if (!eventsOn_) return;
    const observe::FlowEvent event = agedFlowEvent(entry, frontend, std::chrono::system_clock::now());
    stream_->publish(enricher_ ? enricher_->enrich(event) : unnamed(event));
}

void FlowReporting::report(const observe::FlowEvent& event) {
    ++counters_.eventsRead;
    if (event.kind == observe::FlowEventKind::PolicyVerdict) counters_.countVerdict(event.direction, event.allowed);
    if (!enricher_) {
        stream_->publish(unnamed(event));
        return;
    }
    const observe::EnrichedFlow flow = enricher_->enrich(event);
    if (event.kind == observe::FlowEventKind::PolicyVerdict && logger_.enabled()) {
        const bool delegated =
            event.allowed ? enricher_->allowLoggingEnabled(flow) : enricher_->denyLoggingEnabled(flow);
        logger_.offer(flow, delegated);
    }
    stream_->publish(flow);
}

void FlowReporting::drainRing() noexcept {
    // Stops the reader's batch once this wakeup took its share; the record
    // that throws was reported already, the rest stay in the ring and the
    // (level-triggered) io source fires again on the next iteration.
    struct BatchFull : std::exception {};
    std::size_t taken = 0;
    bool full = false;
    auto consumed = reader_->consume([&](const observe::FlowEvent& event) {
        report(event);
        if (++taken >= kRecordsPerWakeup) {
            full = true;
            throw BatchFull{};
        }
    });
    if (!consumed && !full) spdlog::warn("Failed to read the datapath's event ring: {}", consumed.error().message);
    counters_.logRecordsWritten = logger_.counters().recordsWritten;
    counters_.logRecordsDropped = logger_.counters().recordsDropped;
}

int FlowReporting::onReadable(sd_event_source*, int, std::uint32_t, void* self) noexcept {
    static_cast<FlowReporting*>(self)->drainRing();
    return 0;
}

int FlowReporting::onConsumeTimer(sd_event_source* source, std::uint64_t, void* userdata) noexcept {
    static_cast<FlowReporting*>(userdata)->drainRing();
    // From now, not from the last deadline: a loop that was busy does not
    // owe a burst of catch-up reads.
    sd_event_source_set_time(source, monotonicDeadline(sd_event_source_get_event(source), kConsumeIntervalUsec));
    sd_event_source_set_enabled(source, SD_EVENT_ON);
    return 0;
}

int FlowReporting::onTick(sd_event_source* source, std::uint64_t usec, void* userdata) noexcept {
    auto* self = static_cast<FlowReporting*>(userdata);
    self->logger_.tick(std::chrono::steady_clock::now());
    self->counters_.logRecordsWritten = self->logger_.counters().recordsWritten;
    self->counters_.logRecordsDropped = self->logger_.counters().recordsDropped;
    sd_event_source_set_time(source, usec + kTickUsec);
    sd_event_source_set_enabled(source, SD_EVENT_ON);
    return 0;
}

}  // namespace nodeplane::daemon
