// GET /metrics on [metrics] listen, served by a health::HttpListener in the
// daemon's sd-event loop; the text is rendered at each request.
#pragma once

#include <systemd/sd-event.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/ip.h"
#include "common/result.h"
#include "health/http_listener.h"
#include "health/http_types.h"

namespace nodeplane::metrics {

// Called on the loop for every scrape: the whole exposition text
// (renderMetrics()); must not block.
using MetricsRenderer = std::function<std::string()>;

// The answer to one request, pure: 200 with the text for GET or HEAD
// /metrics, 404 for another path, 405 for another method.
health::HttpResponse answerMetricsRequest(const health::HttpRequest& request, const MetricsRenderer& render);

// Listens on ip:port (config::parseListenAddress of [metrics] listen);
// `event` must outlive the listener. Errors name the address and why.
Result<std::unique_ptr<health::HttpListener>> startMetricsServer(sd_event* event, const IpAddress& ip,
                                                                 std::uint16_t port, MetricsRenderer render);

}  // namespace nodeplane::metrics
