// The set of healthCheckNodePort listeners: one HTTP listener per distinct
// port, reconciled against the applied state. Ports come and go with their
// Services; a changed count is written in place, without a re-bind, so a
// load balancer's probe never meets a closed port while endpoints change.
#pragma once

#include <systemd/sd-event.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "health/http_listener.h"

namespace nodeplane::health {

// One Service's health check as the applied state wants it.
struct ServiceHealthCheck {
    std::string service;  // "namespace/name"
    std::uint16_t port = 0;
    std::uint32_t localEndpoints = 0;  // local Ready endpoints (terminating ones are not Ready)
};

// Asked on every request, on the event loop: serviceProxyHealthy.
using ProxyHealthProvider = std::function<bool()>;

class ServiceHealthServers {
public:
    // Listens on `bindIp` ([health] listen's address: 0.0.0.0 by default, as
    // kube-proxy binds every node address unless nodePortAddresses narrows
    // it). `event` must outlive the set.
    ServiceHealthServers(sd_event* event, const IpAddress& bindIp, ProxyHealthProvider proxyHealthy,
                         HttpListenerOptions options = {});
    ServiceHealthServers(const ServiceHealthServers&) = delete;
    ServiceHealthServers& operator=(const ServiceHealthServers&) = delete;

    // Opens the ports `wanted` names that are not open yet, closes those it
    // no longer names and updates service and count of the rest in place.
    // A port that cannot be bound is logged with its service and left for
    // the next call to try again; the returned lines say why, one a port
    // (never a reason to refuse a state). A port wanted by two services
    // goes to the first, as the API server never allocates it twice.
    std::vector<std::string> reconcile(const std::vector<ServiceHealthCheck>& wanted);

    // The open ports, ascending.
    std::vector<std::uint16_t> ports() const;
    // What the listener on `port` answers for, if one is open.
    std::optional<ServiceHealthCheck> served(std::uint16_t port) const;
    // The listener on `port`, nullptr when closed: the same one for as long
    // as the port stays wanted.
    const HttpListener* listener(std::uint16_t port) const;

private:
    struct Served {
        std::string service;
        std::uint32_t localEndpoints = 0;
        std::unique_ptr<HttpListener> listener;
    };
    Result<std::unique_ptr<HttpListener>> listen(std::uint16_t port, const Served& served);

    sd_event* event_;
    IpAddress bindIp_;
    ProxyHealthProvider proxyHealthy_;
    HttpListenerOptions options_;
    // By port. Each entry is heap-held so that its listener's handler can
    // read service and count through a stable pointer while the map changes.
    std::map<std::uint16_t, std::unique_ptr<Served>> open_;
};

}  // namespace nodeplane::health
