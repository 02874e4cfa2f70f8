// np-flow-burst: many new UDP flows at a set rate, for the observability
// load and log rotation tests (tests/e2e/observe/). Run inside the source
// pod's network namespace, as root:
//
//   np-flow-burst --to IP:PORT [--count 1000] [--rate 5000]
//                 [--first-source-port 20000] [--payload-bytes 16]
//
// Datagram i goes from source port first + i, once. Prints one JSON line:
//   {"sent":N,"seconds":S,"rate":R,"end":E}
// S from the first send to the last, R = N / S (N when S is 0), E the wall
// clock after the last send in epoch seconds. Exit status 2 for a bad
// command line, 1 when sending failed.
#include <cstdio>
#include <iostream>

#include "burst_options.h"
#include "udp_burst.h"

int main(int argc, char** argv) {
    using namespace nodeplane;
    auto options = burst::parseBurstOptions(std::vector<std::string>(argv + 1, argv + argc));
    if (!options) {
        std::cerr << "np-flow-burst: " << options.error().message << "\n";
        return 2;
    }
    auto result = burst::runBurst(*options);
    if (!result) {
        std::cerr << "np-flow-burst: " << result.error().message << "\n";
        return 1;
    }
    const double seconds = std::chrono::duration<double>(result->elapsed).count();
    const double rate = seconds > 0 ? result->sent / seconds : result->sent;
    const double end = std::chrono::duration<double>(result->end.time_since_epoch()).count();
    std::printf("{\"sent\":%u,\"seconds\":%.6f,\"rate\":%.0f,\"end\":%.6f}\n", result->sent, seconds, rate, end);
    return 0;
}
