// Runs a blocking client call on a second thread while the test thread runs
// the server's sd-event loop, as the daemon would.
#pragma once

#include <systemd/sd-event.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

namespace nodeplane::bus::test {

template <typename F>
auto whileServing(sd_event* event, F&& call) -> decltype(call()) {
    std::optional<decltype(call())> result;
    std::atomic<bool> done{false};
    std::thread client([&] {
        result.emplace(call());
        done = true;
    });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done && std::chrono::steady_clock::now() < deadline) sd_event_run(event, 20'000);
    client.join();
    return std::move(*result);
}

// Lets the loop handle what is pending (hang-ups, reaping) until `until`
// holds or a second has passed.
template <typename P>
bool runLoopUntil(sd_event* event, P&& until) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!until() && std::chrono::steady_clock::now() < deadline) sd_event_run(event, 20'000);
    return until();
}

}  // namespace nodeplane::bus::test
