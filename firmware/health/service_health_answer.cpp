#include "health/service_health_answer.h"

#include <cstdio>

namespace nodeplane::health {
namespace {

constexpr unsigned kHttpOk = 200;
constexpr unsigned kHttpServiceUnavailable = 503;

// A JSON string literal. Kubernetes names are DNS labels, so escaping is a
// safeguard, not a case we expect.
std::string jsonString(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace

std::string serviceHealthBody(std::string_view service, std::uint32_t localEndpoints, bool proxyHealthy) {
    const auto slash = service.find('/');
    const std::string_view ns = slash == std::string_view::npos ? std::string_view{} : service.substr(0, slash);
    const std::string_view name = slash == std::string_view::npos ? service : service.substr(slash + 1);
    return "{\"service\":{\"namespace\":" + jsonString(ns) + ",\"name\":" + jsonString(name) +
           "},\"localEndpoints\":" + std::to_string(localEndpoints) +
           ",\"serviceProxyHealthy\":" + (proxyHealthy ? "true" : "false") + "}";
}

HttpResponse answerServiceHealthRequest(const HttpRequest& /*request*/, std::string_view service,
                                        std::uint32_t localEndpoints, bool proxyHealthy) {
    HttpResponse response;
    response.status = localEndpoints > 0 && proxyHealthy ? kHttpOk : kHttpServiceUnavailable;
    response.contentType = "application/json";
    response.body = serviceHealthBody(service, localEndpoints, proxyHealthy);
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("X-Load-Balancing-Endpoint-Weight", std::to_string(localEndpoints));
    return response;
}

}  // namespace nodeplane::health
