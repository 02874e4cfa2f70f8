// A loopback TCP server for the probe's own tests, in a thread of its own so
// the probe's single-threaded loop can run against it: it greets each
// connection with "srv" and echoes lines like the e2e socat servers, or
// misbehaves as a test asks, and can die mid-run with resets.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/unique_fd.h"

namespace nodeplane::probe::test {

// Echo: greets with "srv", echoes lines. WrongEcho: answers something else.
// Silent: accepts, never answers. Healthy / Unhealthy: answers any request
// with an HTTP 200 / 503 status line and closes, as /healthz does.
enum class ServerMode { Echo, WrongEcho, Silent, Healthy, Unhealthy };

class LoopbackServer {
public:
    // Serves on 127.0.0.1, an ephemeral port; `lifetime` > 0: resets every
    // connection and stops listening after that long.
    explicit LoopbackServer(ServerMode mode, std::chrono::milliseconds lifetime = std::chrono::milliseconds(0));
    ~LoopbackServer();
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    std::uint16_t port() const { return port_; }

private:
    void serve();

    ServerMode mode_;
    std::chrono::milliseconds lifetime_;
    std::uint16_t port_ = 0;  // before listener_: boundSocket() sets it
    UniqueFd listener_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// A port on 127.0.0.1 where nothing listens (bound once, then released).
std::uint16_t closedPort();

}  // namespace nodeplane::probe::test
