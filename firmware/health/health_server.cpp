#include "health/health_server.h"

namespace nodeplane::health {

Result<std::unique_ptr<HttpListener>> startHealthServer(sd_event* event, const IpAddress& ip, std::uint16_t port,
                                                        HealthProvider provider, HealthServerOptions options) {
    auto handler = [provider = std::move(provider), clock = std::move(options.clock)](const HttpRequest& request) {
        return answerHealthRequest(request, provider(), clock());
    };
    return HttpListener::start(event, ip, port, std::move(handler), options.listener);
}

}  // namespace nodeplane::health
