#include "health/health_answer.h"

#include "common/rfc3339.h"

namespace nodeplane::health {
namespace {

constexpr unsigned kHttpOk = 200;
constexpr unsigned kHttpNotFound = 404;
constexpr unsigned kHttpMethodNotAllowed = 405;
constexpr unsigned kHttpServiceUnavailable = 503;

HttpResponse jsonAnswer(bool healthy, std::string body) {
    HttpResponse response;
    response.status = healthy ? kHttpOk : kHttpServiceUnavailable;
    response.contentType = "application/json";
    response.body = std::move(body);
    // As kube-proxy: browsers must not guess another type for the body.
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return response;
}

}  // namespace

bool healthzHealthy(const HealthView& view) { return view.serving && view.stateFresh && view.nodeEligible; }

bool livezHealthy(const HealthView& view) { return view.loopAlive && !view.changeLate; }

bool serviceProxyHealthy(const HealthView& view) { return view.serving && view.stateFresh; }

std::string healthBody(const std::optional<WallTime>& lastUpdated, WallTime now, bool nodeEligible, bool healthy) {
    std::string last = lastUpdated ? formatRfc3339Millis(*lastUpdated) : std::string(kZeroTimeRfc3339);
    return "{\"lastUpdated\":\"" + last + "\",\"currentTime\":\"" + formatRfc3339Millis(now) +
           "\",\"nodeEligible\":" + (nodeEligible ? "true" : "false") + ",\"healthy\":" + (healthy ? "true" : "false") +
           "}";
}

HttpResponse answerHealthRequest(const HttpRequest& request, const HealthView& view, WallTime now) {
    bool healthz = request.path == "/healthz";
    bool livez = request.path == "/livez";
    if (!healthz && !livez) return HttpResponse{kHttpNotFound, "text/plain; charset=utf-8", "404 page not found\n", {}};
    if (request.method != "GET" && request.method != "HEAD")
        return HttpResponse{kHttpMethodNotAllowed, "text/plain; charset=utf-8", "405 method not allowed\n",
                            {{"Allow", "GET, HEAD"}}};
    bool healthy = healthz ? healthzHealthy(view) : livezHealthy(view);
    return jsonAnswer(healthy, healthBody(view.lastUpdated, now, view.nodeEligible, healthy));
}

}  // namespace nodeplane::health
