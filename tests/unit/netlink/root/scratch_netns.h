// Each root test runs in a network namespace of its own, entered by the
// test's thread (tests/support/netns.h). Links, routes and sysctls the test
// makes live in that namespace and die with it when the test ends, or when
// the process dies, however it dies. Nothing reaches the host's namespace.
#pragma once

#include <systemd/sd-event.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "support/netns.h"

namespace nodeplane::netlink::test {

class ScratchNetns {
public:
    // Creates and enters a fresh namespace, or fails the running test.
    static std::unique_ptr<ScratchNetns> enter();
    ~ScratchNetns() = default;

    // Runs `ip <args>` (split at spaces) in this namespace; true when it exited 0.
    bool ip(const std::string& args) const;
    // Same, failing the test with the command's output when it did not succeed.
    void ipOrFail(const std::string& args) const;
    // The output of `ip <args>`, for cross-checks against an independent reader.
    std::string ipOutput(const std::string& args) const;

private:
    ScratchNetns() = default;
    std::optional<nodeplane::test::ScopedNetns> netns_;
    std::optional<nodeplane::test::EnterNetns> inside_;
};

// Runs `event`'s loop until `done()` holds or `timeout` passes.
bool runUntil(sd_event* event, const std::function<bool()>& done,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

}  // namespace nodeplane::netlink::test
