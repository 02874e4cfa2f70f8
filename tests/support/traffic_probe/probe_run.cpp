#include "probe_run.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <iostream>
#include <unordered_map>

namespace nodeplane::probe {

ProbeRun::ProbeRun(ProbeOptions options) : options_(std::move(options)) {}

Status ProbeRun::run(int stopFd) {
    const auto start = Clock::now();
    probes_.clear();
    for (const auto& target : options_.targets) probes_.emplace_back(target, options_, start);
    std::optional<Clock::time_point> end;
    if (options_.durationMs) end = start + std::chrono::milliseconds(options_.durationMs);
    std::vector<bool> announced(probes_.size(), false);
    std::vector<pollfd> fds;
    std::unordered_map<int, short> revents;
    for (;;) {
        auto now = Clock::now();
        if (end && now >= *end) break;
        for (auto& probe : probes_) probe.tick(now);
        // Tell a watching script that the long-lived connections are up, so
        // it disturbs the node only once they are.
        for (std::size_t i = 0; i < probes_.size(); ++i) {
            if (announced[i] || probes_[i].stats().longLived.exchanges == 0) continue;
            announced[i] = true;
            std::cout << "long-lived " << probes_[i].target().name << " established" << std::endl;
        }
        Clock::time_point wake = end.value_or(Clock::time_point::max());
        for (const auto& probe : probes_) wake = std::min(wake, probe.nextDeadline());
        fds.clear();
        if (stopFd >= 0) fds.push_back({stopFd, POLLIN, 0});
        for (const auto& probe : probes_) probe.collect(fds);
        const auto waitMs = std::chrono::ceil<std::chrono::milliseconds>(std::max(wake - now, Clock::duration{0}));
        const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long>(waitMs.count(), 1000)));
        if (ready < 0) {
            if (errno == EINTR) continue;
            return Error::fromErrno(errno, "poll failed");
        }
        if (stopFd >= 0 && fds.front().revents != 0) break;
        revents.clear();
        for (const auto& fd : fds)
            if (fd.revents != 0) revents[fd.fd] = fd.revents;
        now = Clock::now();
        for (auto& probe : probes_) probe.onReady(revents, now);
    }
    for (auto& probe : probes_) probe.finish();
    ran_ = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return {};
}

std::string ProbeRun::report() const {
    std::vector<TargetReport> targets;
    for (const auto& probe : probes_) targets.push_back({&probe.target(), &probe.stats()});
    return renderReport(targets, ran_);
}

const TargetStats* ProbeRun::statsOf(const std::string& name) const {
    for (const auto& probe : probes_)
        if (probe.target().name == name) return &probe.stats();
    return nullptr;
}

}  // namespace nodeplane::probe
