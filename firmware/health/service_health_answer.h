// What a Service's healthCheckNodePort answers, as a pure function: kube-proxy's
// service health server (pkg/proxy/healthcheck/service_health.go, hcHandler),
// which load balancers in front of an externalTrafficPolicy: Local Service
// ask to learn whether this node has endpoints of it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "health/http_types.h"

namespace nodeplane::health {

// {"service":{"namespace":"ns","name":"web"},"localEndpoints":2,"serviceProxyHealthy":true}
// `service` is "namespace/name".
std::string serviceHealthBody(std::string_view service, std::uint32_t localEndpoints, bool proxyHealthy);

// Any method on any path gets the same answer, as kube-proxy's handler
// ignores both (libmicrohttpd leaves the body out of a HEAD answer): 200
// when the service has local Ready endpoints and the proxy is healthy,
// else 503. X-Load-Balancing-Endpoint-Weight carries the count on every
// answer, 0 included, as kube-proxy sends it.
HttpResponse answerServiceHealthRequest(const HttpRequest& request, std::string_view service,
                                        std::uint32_t localEndpoints, bool proxyHealthy);

}  // namespace nodeplane::health
