// One HTTP listener: libmicrohttpd without threads of its own, driven by the
// daemon's sd-event loop (its epoll fd is an io source, its timeouts a timer).
// The node health server uses one; a Service's healthCheckNodePort gets
// another with its own handler.
#pragma once

#include <systemd/sd-event.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/c_handle.h"
#include "common/result.h"
#include "common/ip.h"
#include "health/http_types.h"

struct MHD_Daemon;

namespace nodeplane::health {

struct HttpListenerOptions {
    // MHD_OPTION_LISTENING_ADDRESS_REUSE: SO_REUSEPORT on top of the
    // SO_REUSEADDR libmicrohttpd always sets, so a restarted daemon binds at
    // once even while the old process still holds the port. The kernel then
    // refuses the port only to sockets without SO_REUSEPORT or of another uid.
    bool reusePort = true;
    unsigned connectionLimit = 64;
    unsigned idleTimeoutSeconds = 10;  // a silent client is dropped after this
};

class HttpListener {
public:
    // Binds and listens on ip:port (port 0: the kernel picks one); `event`
    // must outlive the listener. Errors name the address and the reason.
    static Result<std::unique_ptr<HttpListener>> start(sd_event* event, const IpAddress& ip, std::uint16_t port,
                                                       HttpHandler handler, const HttpListenerOptions& options = {});
    ~HttpListener();
    HttpListener(const HttpListener&) = delete;
    HttpListener& operator=(const HttpListener&) = delete;

    const IpAddress& ip() const { return ip_; }
    // The bound port: the one the kernel chose when asked for 0.
    std::uint16_t port() const { return port_; }
    // "10.0.0.1:10256", "[fd00::1]:10256"
    std::string describe() const;

private:
    using EventSourcePtr = CHandle<sd_event_source, sd_event_source_disable_unref>;
    struct StopDaemon {
        void operator()(MHD_Daemon* daemon) const noexcept;
    };

    HttpListener(sd_event* event, const IpAddress& ip, std::uint16_t port, HttpHandler handler);
    Status attach();
    void runOnce() noexcept;
    void rearmTimer() noexcept;

    static int onReadable(sd_event_source* source, int fd, std::uint32_t revents, void* userdata) noexcept;
    static int onTimer(sd_event_source* source, std::uint64_t usec, void* userdata) noexcept;
    friend struct MhdCallbacks;

    sd_event* event_;
    IpAddress ip_;
    std::uint16_t port_;
    HttpHandler handler_;
    std::string startError_;  // the last message libmicrohttpd logged while starting
    bool starting_ = true;
    // Declared before the sources so that they are removed first: the io
    // source watches the daemon's epoll fd.
    std::unique_ptr<MHD_Daemon, StopDaemon> daemon_;
    EventSourcePtr io_;
    EventSourcePtr timer_;
};

}  // namespace nodeplane::health
