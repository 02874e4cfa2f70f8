// np-traffic-probe: continuous TCP traffic against services while a test
// disturbs the node (restart, upgrade, shutdown), counting every failure.
//
//   np-traffic-probe --target NAME=IP:PORT... [--denied NAME=IP:PORT...]
//                    [--rate-per-second 20] [--long-lived] [--timeout-ms 1000]
//                    [--duration-ms N] [--report FILE]
//
// Runs until SIGTERM or SIGINT (or the duration), then writes the JSON
// report (probe_report.h) to FILE or stdout. Exit status 0 when it ran,
// whatever it counted: the test reads the report; 2 for a bad command line.
#include <signal.h>
#include <sys/signalfd.h>

#include <fstream>
#include <iostream>

#include "common/unique_fd.h"
#include "probe_run.h"

int main(int argc, char** argv) {
    using namespace nodeplane;
    auto options = probe::parseProbeOptions(std::vector<std::string>(argv + 1, argv + argc));
    if (!options) {
        std::cerr << "np-traffic-probe: " << options.error().message << "\n";
        return 2;
    }
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (::sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) return 1;
    UniqueFd stop(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!stop.valid()) {
        std::cerr << "np-traffic-probe: failed to create a signalfd\n";
        return 1;
    }
    const std::string reportPath = options->reportPath;
    probe::ProbeRun run(std::move(options).value());
    if (auto st = run.run(stop.get()); !st) {
        std::cerr << "np-traffic-probe: " << st.error().message << "\n";
        return 1;
    }
    if (reportPath.empty()) {
        std::cout << run.report();
        return 0;
    }
    // Written whole and renamed, so a reader never sees half a report.
    const std::string tmp = reportPath + ".tmp";
    {
        std::ofstream out(tmp);
        out << run.report();
        if (!out) {
            std::cerr << "np-traffic-probe: failed to write " << tmp << "\n";
            return 1;
        }
    }
    if (std::rename(tmp.c_str(), reportPath.c_str()) != 0) {
        std::cerr << "np-traffic-probe: failed to rename " << tmp << "\n";
        return 1;
    }
    return 0;
}
