#include "health/http_listener.h"

#include <microhttpd.h>
#include <netinet/in.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <exception>

#include "common/log.h"

namespace nodeplane::health {
namespace {

// libmicrohttpd takes the length from MHD_USE_IPv6, so only the address is filled.
void toSockaddr(const IpAddress& ip, std::uint16_t port, sockaddr_storage& storage) {
    std::memset(&storage, 0, sizeof storage);
    if (ip.isV4()) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        std::memcpy(&sin->sin_addr, ip.bytes.data(), 4);
        return;
    }
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    std::memcpy(&sin6->sin6_addr, ip.bytes.data(), 16);
}

}  // namespace

void HttpListener::StopDaemon::operator()(MHD_Daemon* daemon) const noexcept {
    if (daemon) MHD_stop_daemon(daemon);
}

// The C callbacks libmicrohttpd calls; a friend so they reach the listener.
struct MhdCallbacks {
    static void log(void* cls, const char* format, va_list args) noexcept {
        auto* self = static_cast<HttpListener*>(cls);
        char buf[512];
        std::vsnprintf(buf, sizeof buf, format, args);
        std::string message(buf);
        while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
        if (self->starting_) {
            self->startError_ = message;
        } else {
            // Client misbehaviour (resets, garbage) lands here too; it is not ours to fix.
            spdlog::debug("HTTP listener {}: {}", self->describe(), message);
        }
    }

    static MHD_Result access(void* cls, MHD_Connection* connection, const char* url, const char* method,
                             const char* /*version*/, const char* /*uploadData*/, size_t* /*uploadDataSize*/,
                             void** /*requestContext*/) noexcept {
        auto* self = static_cast<HttpListener*>(cls);
        HttpResponse response;
        try {
            response = self->handler_(HttpRequest{method, url});
        } catch (const std::exception& e) {
            spdlog::warn("HTTP listener {}: handler for {} {} failed: {}", self->describe(), method, url,
                         e.what());
            response = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n", {}};
        } catch (...) {
            spdlog::warn("HTTP listener {}: handler for {} {} failed", self->describe(), method, url);
            response = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n", {}};
        }
        // The answer goes out on the first call, before any request body: none
        // of our endpoints reads one, and libmicrohttpd closes the connection
        // after the response when a body was left unread.
        using ResponsePtr = CHandle<MHD_Response, MHD_destroy_response>;
        ResponsePtr out(MHD_create_response_from_buffer(response.body.size(), response.body.data(),
                                                        MHD_RESPMEM_MUST_COPY));
        if (!out) return MHD_NO;
        MHD_add_response_header(out.get(), MHD_HTTP_HEADER_CONTENT_TYPE, response.contentType.c_str());
        for (const auto& [name, value] : response.headers)
            MHD_add_response_header(out.get(), name.c_str(), value.c_str());
        return MHD_queue_response(connection, response.status, out.get());
    }
};

HttpListener::HttpListener(sd_event* event, const IpAddress& ip, std::uint16_t port, HttpHandler handler)
    : event_(event), ip_(ip), port_(port), handler_(std::move(handler)) {}

std::string HttpListener::describe() const {
    return (ip_.isV4() ? ip_.toString() : "[" + ip_.toString() + "]") + ":" + std::to_string(port_);
}

HttpListener::~HttpListener() = default;

Result<std::unique_ptr<HttpListener>> HttpListener::start(sd_event* event, const IpAddress& ip, std::uint16_t port,
                                                          HttpHandler handler, const HttpListenerOptions& options) {
    std::unique_ptr<HttpListener> self(new HttpListener(event, ip, port, std::move(handler)));
    const std::string where = "Failed to listen for HTTP on " + self->describe();

    sockaddr_storage storage;
    toSockaddr(ip, port, storage);
    // libmicrohttpd sets SO_REUSEADDR by default; passing the reuse option
    // with 0 would turn even that off, so it is present only when wanted.
    MHD_OptionItem reuse[] = {
        {options.reusePort ? MHD_OPTION_LISTENING_ADDRESS_REUSE : MHD_OPTION_END, 1, nullptr},
        {MHD_OPTION_END, 0, nullptr},
    };
    // MHD_USE_EPOLL without MHD_USE_INTERNAL_POLLING_THREAD: no threads, we
    // call MHD_run when its epoll fd is readable or its timeout expires.
    unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | (ip.isV4() ? 0 : MHD_USE_IPv6);
    MHD_Daemon* daemon = MHD_start_daemon(
        flags, port, nullptr, nullptr, &MhdCallbacks::access, self.get(),
        MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&storage),
        MHD_OPTION_CONNECTION_LIMIT, options.connectionLimit,
        MHD_OPTION_CONNECTION_TIMEOUT, options.idleTimeoutSeconds,
        MHD_OPTION_EXTERNAL_LOGGER, &MhdCallbacks::log, self.get(),
        MHD_OPTION_ARRAY, reuse,
        MHD_OPTION_END);
    if (!daemon) {
        std::string why = self->startError_.empty() ? "libmicrohttpd could not start" : self->startError_;
        return Error::logical(where + ": " + why);
    }
    self->daemon_.reset(daemon);
    self->starting_ = false;

    const MHD_DaemonInfo* bound = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    if (bound && bound->port != 0) self->port_ = bound->port;

    if (auto attached = self->attach(); !attached) {
        const Error& e = attached.error();
        return Error{e.errnum, where + ": " + e.message};
    }
    return self;
}

Status HttpListener::attach() {
    const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_.get(), MHD_DAEMON_INFO_EPOLL_FD);
    if (!info) return Error::logical("libmicrohttpd has no epoll fd");

    sd_event_source* source = nullptr;
    int r = sd_event_add_io(event_, &source, info->epoll_fd, EPOLLIN, &HttpListener::onReadable, this);
    if (r < 0) return Error::fromErrno(r, "sd_event_add_io");
    io_.reset(source);
    sd_event_source_set_description(source, "http-listener-io");

    // rearmTimer() moves the deadline to what libmicrohttpd asks for, or turns the timer off.
    r = sd_event_add_time(event_, &source, CLOCK_MONOTONIC, 0, 0, &HttpListener::onTimer, this);
    if (r < 0) return Error::fromErrno(r, "sd_event_add_time");
    timer_.reset(source);
    sd_event_source_set_description(source, "http-listener-timer");
    rearmTimer();
    return {};
}

int HttpListener::onReadable(sd_event_source*, int, std::uint32_t, void* userdata) noexcept {
    static_cast<HttpListener*>(userdata)->runOnce();
    return 0;
}

int HttpListener::onTimer(sd_event_source*, std::uint64_t, void* userdata) noexcept {
    static_cast<HttpListener*>(userdata)->runOnce();
    return 0;
}

void HttpListener::runOnce() noexcept {
    MHD_run(daemon_.get());
    rearmTimer();
}

void HttpListener::rearmTimer() noexcept {
    MHD_UNSIGNED_LONG_LONG timeoutMs = 0;
    if (MHD_get_timeout(daemon_.get(), &timeoutMs) != MHD_YES) {
        sd_event_source_set_enabled(timer_.get(), SD_EVENT_OFF);
        return;
    }
    std::uint64_t nowUsec = 0;
    sd_event_now(event_, CLOCK_MONOTONIC, &nowUsec);
    // 0 means "work is pending now" (data already read into a buffer): the
    // timer then fires on the next loop iteration.
    sd_event_source_set_time(timer_.get(), nowUsec + timeoutMs * 1000);
    sd_event_source_set_enabled(timer_.get(), SD_EVENT_ONESHOT);
}

}  // namespace nodeplane::health
