// One run of the probe over all its targets: a single poll() loop until the
// duration ends or `stopFd` (a signalfd in the tool) becomes readable.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"
#include "probe_options.h"
#include "target_probe.h"

namespace nodeplane::probe {

class ProbeRun {
public:
    explicit ProbeRun(ProbeOptions options);

    // Runs until options.durationMs passes (when set) or stopFd is readable
    // (when >= 0). Prints "long-lived NAME established" once per target
    // whose long-lived connection first exchanged a line.
    Status run(int stopFd);

    std::string report() const;
    const TargetStats* statsOf(const std::string& name) const;  // nullptr: no such target

private:
    ProbeOptions options_;
    std::vector<TargetProbe> probes_;
    std::chrono::milliseconds ran_{0};
};

}  // namespace nodeplane::probe
