#include "policylog/deny_aggregator.h"

#include <algorithm>

namespace nodeplane::policylog {

DenyAggregator::Key DenyAggregator::keyOf(const observe::FlowEvent& event) {
    return Key{event.src, event.dst, event.dstPort, event.protocol, event.direction};
}

bool DenyAggregator::add(const observe::EnrichedFlow& flow, TimePoint now, std::vector<DenyAggregate>& closed) {
    const Key key = keyOf(flow.event);
    auto found = pending_.find(key);
    if (found != pending_.end()) {
        if (now < found->second.ends) {
            ++found->second.aggregate.count;
            return true;
        }
        // Its window is over: the denial opens the next one.
        closed.push_back(std::move(found->second.aggregate));
        pending_.erase(found);
    }
    if (pending_.size() >= kMaxPendingKeys) return false;
    // The record stands for every source port of the key: it shows none
    // (src_port 0), as the key leaves it out.
    observe::EnrichedFlow first = flow;
    first.event.srcPort = 0;
    pending_.emplace(key, Pending{DenyAggregate{std::move(first), 1}, now + window_, nextSequence_++});
    return true;
}

std::vector<DenyAggregate> DenyAggregator::take(std::optional<TimePoint> dueBy) {
    std::vector<Pending> due;
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (!dueBy || it->second.ends <= *dueBy) {
            due.push_back(std::move(it->second));
            it = pending_.erase(it);
        } else {
            ++it;
        }
    }
    std::sort(due.begin(), due.end(), [](const Pending& a, const Pending& b) { return a.sequence < b.sequence; });
    std::vector<DenyAggregate> out;
    out.reserve(due.size());
    for (auto& p : due) out.push_back(std::move(p.aggregate));
    return out;
}

std::vector<DenyAggregate> DenyAggregator::takeDue(TimePoint now) { return take(now); }

std::vector<DenyAggregate> DenyAggregator::takeAll() { return take(std::nullopt); }

}  // namespace nodeplane::policylog
