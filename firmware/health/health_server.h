// The node's kube-proxy compatible health server on [health] listen.
#pragma once

#include <systemd/sd-event.h>

#include <functional>
#include <cstdint>
#include <memory>

#include "common/result.h"
#include "health/health_answer.h"
#include "health/http_listener.h"

namespace nodeplane::health {

// Asked on every request, on the event loop.
using HealthProvider = std::function<HealthView()>;
using WallClock = std::function<WallTime()>;

struct HealthServerOptions {
    WallClock clock = [] { return std::chrono::system_clock::now(); };
    HttpListenerOptions listener;
};

// Serves /healthz and /livez on ip:port ([health] listen, parsed by
// config::parseListenAddress). Errors name the address and why it could not
// be used. The listener serves until destroyed; `event` must outlive it.
Result<std::unique_ptr<HttpListener>> startHealthServer(sd_event* event, const IpAddress& ip, std::uint16_t port,
                                                        HealthProvider provider, HealthServerOptions options = {});

}  // namespace nodeplane::health
