#include "health/service_health_servers.h"

#include "common/log.h"
#include "health/service_health_answer.h"

namespace nodeplane::health {

ServiceHealthServers::ServiceHealthServers(sd_event* event, const IpAddress& bindIp, ProxyHealthProvider proxyHealthy,
                                           HttpListenerOptions options)
    : event_(event), bindIp_(bindIp), proxyHealthy_(std::move(proxyHealthy)), options_(options) {}

Result<std::unique_ptr<HttpListener>> ServiceHealthServers::listen(std::uint16_t port, const Served& served) {
    const Served* entry = &served;
    auto handler = [this, entry](const HttpRequest& request) {
        return answerServiceHealthRequest(request, entry->service, entry->localEndpoints, proxyHealthy_());
    };
    return HttpListener::start(event_, bindIp_, port, std::move(handler), options_);
}

std::vector<std::string> ServiceHealthServers::reconcile(const std::vector<ServiceHealthCheck>& wanted) {
    std::map<std::uint16_t, const ServiceHealthCheck*> byPort;
    std::vector<std::string> failures;
    for (const auto& check : wanted) {
        auto [it, added] = byPort.emplace(check.port, &check);
        if (added) continue;
        failures.push_back("Failed to serve the health check of Service " + check.service + " on port " +
                           std::to_string(check.port) + ": the port already serves Service " + it->second->service +
                           ", ignoring");
        spdlog::error("{}", failures.back());
    }

    for (auto it = open_.begin(); it != open_.end();) {
        if (byPort.contains(it->first)) {
            ++it;
            continue;
        }
        spdlog::info("Health check of Service {} on port {} closed", it->second->service, it->first);
        it = open_.erase(it);
    }

    for (const auto& [port, check] : byPort) {
        if (auto it = open_.find(port); it != open_.end()) {
            Served& served = *it->second;
            if (served.service != check->service || served.localEndpoints != check->localEndpoints)
                spdlog::debug("Health check on port {}: Service {}, {} local endpoints", port, check->service,
                              check->localEndpoints);
            served.service = check->service;
            served.localEndpoints = check->localEndpoints;
            continue;
        }
        auto served = std::make_unique<Served>();
        served->service = check->service;
        served->localEndpoints = check->localEndpoints;
        auto listener = listen(port, *served);
        if (!listener) {
            failures.push_back("Failed to serve the health check of Service " + check->service + " on port " +
                               std::to_string(port) + ": " + listener.error().message + ", retrying on the next apply");
            spdlog::error("{}", failures.back());
            continue;
        }
        served->listener = std::move(listener).value();
        spdlog::info("Health check of Service {} listening on {} ({} local endpoints)", check->service,
                     served->listener->describe(), check->localEndpoints);
        open_.emplace(port, std::move(served));
    }
    return failures;
}

std::vector<std::uint16_t> ServiceHealthServers::ports() const {
    std::vector<std::uint16_t> out;
    for (const auto& [port, served] : open_) out.push_back(port);
    return out;
}

std::optional<ServiceHealthCheck> ServiceHealthServers::served(std::uint16_t port) const {
    auto it = open_.find(port);
    if (it == open_.end()) return std::nullopt;
    return ServiceHealthCheck{it->second->service, port, it->second->localEndpoints};
}

const HttpListener* ServiceHealthServers::listener(std::uint16_t port) const {
    auto it = open_.find(port);
    return it == open_.end() ? nullptr : it->second->listener.get();
}

}  // namespace nodeplane::health
