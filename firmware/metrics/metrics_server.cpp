#include "metrics/metrics_server.h"

#include "metrics/prometheus_text.h"

namespace nodeplane::metrics {

health::HttpResponse answerMetricsRequest(const health::HttpRequest& request, const MetricsRenderer& render) {
    if (request.path != "/metrics") return {404, "text/plain; charset=utf-8", "not found; try /metrics\n", {}};
    if (request.method != "GET" && request.method != "HEAD")
        return {405, "text/plain; charset=utf-8", "only GET and HEAD\n", {{"Allow", "GET, HEAD"}}};
    return {200, std::string(kPrometheusContentType), render(), {}};
}

Result<std::unique_ptr<health::HttpListener>> startMetricsServer(sd_event* event, const IpAddress& ip,
                                                                 std::uint16_t port, MetricsRenderer render) {
    auto handler = [render = std::move(render)](const health::HttpRequest& request) {
        return answerMetricsRequest(request, render);
    };
    return health::HttpListener::start(event, ip, port, std::move(handler));
}

}  // namespace nodeplane::metrics
