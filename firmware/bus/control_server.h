// Serves org.nodeplane.Control1 at /org/nodeplane/Control1: peer-to-peer on
// the daemon's own unix socket (no bus daemon needed, one per node even when
// several daemons share a host), and on the system bus when one runs.
#pragma once

#include <systemd/sd-event.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "bus/bus_handles.h"
#include "bus/control_handler.h"
#include "bus/names.h"
#include "common/result.h"
#include "common/unix_listen_socket.h"

namespace nodeplane::bus {

struct ControlServerOptions {
    std::string socketPath = kDefaultSocketPath;
    // Also own org.nodeplane.Control1 on the system bus. Without a system bus,
    // or when another daemon on this host owns the name, the socket serves alone.
    bool systemBus = true;
};

class ControlServer {
public:
    // `event` and `handler` must outlive the server.
    static Result<std::unique_ptr<ControlServer>> start(sd_event* event, ControlHandler& handler,
                                                        const ControlServerOptions& options);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Open peer connections on the socket.
    std::size_t connectionCount() const { return connections_.size(); }
    // Whether the name is owned on the system bus.
    bool onSystemBus() const { return systemBus_ != nullptr; }

private:
    ControlServer(sd_event* event, ControlHandler& handler);
    Status listen(const std::string& path);
    void joinSystemBus();
    void accept() noexcept;
    Status servePeer(int fd);

    static int onAcceptable(sd_event_source* source, int fd, std::uint32_t revents, void* userdata) noexcept;
    static int onReap(sd_event_source* source, void* userdata) noexcept;
    static int onDisconnected(sd_bus_message* message, void* userdata, sd_bus_error* error) noexcept;
    static int onGetStatus(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept;
    static int onReload(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept;
    static int onListServices(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept;
    static int onListConntrack(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept;
    static int onFlushConntrack(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept;
    static int onListIdentities(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept;
    static int onGetPolicy(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept;
    static int onDrain(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept;
    static int onUndrain(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept;
    static const sd_bus_vtable kVtable[];

    sd_event* event_;
    ControlHandler& handler_;
    sd_id128_t serverId_{};
    std::unique_ptr<UnixListenSocket> socket_;
    EventSourcePtr acceptSource_;
    // Buses are closed from a deferred event, never inside their own callbacks.
    EventSourcePtr reaper_;
    std::vector<BusPtr> connections_;
    BusPtr systemBus_;
};

}  // namespace nodeplane::bus
