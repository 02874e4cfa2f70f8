#include "bus/control_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <exception>

#include "bus/drain_codec.h"
#include "bus/listing_codec.h"
#include "bus/policy_codec.h"
#include "bus/status_codec.h"
#include "common/log.h"
#include "common/unique_fd.h"

namespace nodeplane::bus {
namespace {

// Each peer holds an fd and a bus; a local root process gone wild should not
// take the daemon's fd table with it.
constexpr std::size_t kMaxConnections = 64;

}  // namespace

const sd_bus_vtable ControlServer::kVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("GetStatus", "", "", kStatusSignature,
                             SD_BUS_PARAM(node) SD_BUS_PARAM(stateSource) SD_BUS_PARAM(statePath)
                                 SD_BUS_PARAM(phase) SD_BUS_PARAM(healthy) SD_BUS_PARAM(generation)
                                     SD_BUS_PARAM(appliedUsec) SD_BUS_PARAM(lastRefusedReload)
                                         SD_BUS_PARAM(pendingInterfaces) SD_BUS_PARAM(interfaces)
                                             SD_BUS_PARAM(maps) SD_BUS_PARAM(stats) SD_BUS_PARAM(conntrack)
                                                 SD_BUS_PARAM(drain) SD_BUS_PARAM(feed),
                             &ControlServer::onGetStatus, 0),
    // Flags 0: on the system bus sd-bus lets only a caller with
    // CAP_SYS_ADMIN (or our own uid, root) through, on top of the bus
    // policy. That matters most for the calls that change the dataplane,
    // Reload and FlushConntrack; the reads follow GetStatus.
    SD_BUS_METHOD_WITH_NAMES("Reload", "", "", "s", SD_BUS_PARAM(message), &ControlServer::onReload, 0),
    SD_BUS_METHOD_WITH_NAMES("ListServices", "", "", kServicesSignature, SD_BUS_PARAM(services),
                             &ControlServer::onListServices, 0),
    SD_BUS_METHOD_WITH_NAMES("ListConntrack", "", "", kConntrackSignature, SD_BUS_PARAM(entries) SD_BUS_PARAM(total),
                             &ControlServer::onListConntrack, 0),
    SD_BUS_METHOD_WITH_NAMES("FlushConntrack", "", "", "t", SD_BUS_PARAM(removed), &ControlServer::onFlushConntrack,
                             0),
    SD_BUS_METHOD_WITH_NAMES("ListIdentities", "", "", kIdentitiesSignature, SD_BUS_PARAM(identities),
                             &ControlServer::onListIdentities, 0),
    SD_BUS_METHOD_WITH_NAMES("GetPolicy", "s", SD_BUS_PARAM(pod), kEndpointPolicySignature,
                             SD_BUS_PARAM(pod) SD_BUS_PARAM(endpointId) SD_BUS_PARAM(identity)
                                 SD_BUS_PARAM(ingressIsolated) SD_BUS_PARAM(egressIsolated)
                                     SD_BUS_PARAM(ingressPolicies) SD_BUS_PARAM(egressPolicies) SD_BUS_PARAM(allows),
                             &ControlServer::onGetPolicy, 0),
    // Change what /healthz answers: privileged like Reload (flags 0).
    SD_BUS_METHOD_WITH_NAMES("Drain", "", "", kDrainOutcomeSignature, SD_BUS_PARAM(message) SD_BUS_PARAM(drain),
                             &ControlServer::onDrain, 0),
    SD_BUS_METHOD_WITH_NAMES("Undrain", "", "", kDrainOutcomeSignature, SD_BUS_PARAM(message) SD_BUS_PARAM(drain),
                             &ControlServer::onUndrain, 0),
    SD_BUS_VTABLE_END,
};

ControlServer::ControlServer(sd_event* event, ControlHandler& handler) : event_(event), handler_(handler) {}

ControlServer::~ControlServer() = default;

Result<std::unique_ptr<ControlServer>> ControlServer::start(sd_event* event, ControlHandler& handler,
                                                            const ControlServerOptions& options) {
    std::unique_ptr<ControlServer> self(new ControlServer(event, handler));
    int r = sd_id128_randomize(&self->serverId_);
    if (r < 0) return Error::fromErrno(r, "Failed to make a server id for the control socket");
    if (auto listening = self->listen(options.socketPath); !listening) return listening.error();
    if (options.systemBus) self->joinSystemBus();
    return self;
}

Status ControlServer::listen(const std::string& path) {
    // 0660: only its owner (root) and group may connect.
    auto socket = UnixListenSocket::listen(path, 0660, "Control socket");
    if (!socket) return socket.error();
    socket_ = std::move(socket).value();

    sd_event_source* source = nullptr;
    int r = sd_event_add_io(event_, &source, socket_->fd(), EPOLLIN, &ControlServer::onAcceptable, this);
    if (r < 0) return Error::fromErrno(r, "Failed to watch the control socket '" + path + "'");
    acceptSource_.reset(source);
    sd_event_source_set_description(source, "control-accept");

    r = sd_event_add_defer(event_, &source, &ControlServer::onReap, this);
    if (r < 0) return Error::fromErrno(r, "Failed to add the control connection reaper");
    reaper_.reset(source);
    sd_event_source_set_enabled(source, SD_EVENT_OFF);
    sd_event_source_set_description(source, "control-reaper");
    return {};
}

void ControlServer::joinSystemBus() {
    sd_bus* raw = nullptr;
    int r = sd_bus_open_system(&raw);
    BusPtr bus(raw);
    if (r < 0) {
        spdlog::debug("No system bus ({}), serving the control API on the socket only", std::strerror(-r));
        return;
    }
    if ((r = sd_bus_add_object_vtable(bus.get(), nullptr, kObjectPath, kInterface, kVtable, this)) < 0) {
        spdlog::warn("Failed to add the control API to the system bus: {}, ignoring", std::strerror(-r));
        return;
    }
    // Several daemons share one system bus when they run on one host (one per
    // network namespace); the first owns the name, the others stay on their sockets.
    if ((r = sd_bus_request_name(bus.get(), kBusName, 0)) < 0) {
        spdlog::info("Cannot own {} on the system bus: {}, serving the control API on the socket only", kBusName,
                     std::strerror(-r));
        return;
    }
    if ((r = sd_bus_attach_event(bus.get(), event_, SD_EVENT_PRIORITY_NORMAL)) < 0) {
        spdlog::warn("Failed to attach the system bus to the event loop: {}, ignoring", std::strerror(-r));
        return;
    }
    systemBus_ = std::move(bus);
}

int ControlServer::onAcceptable(sd_event_source*, int, std::uint32_t, void* userdata) noexcept {
    static_cast<ControlServer*>(userdata)->accept();
    return 0;
}

void ControlServer::accept() noexcept {
    for (;;) {
        UniqueFd fd(::accept4(socket_->fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd.valid()) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE) {
                // The socket stays readable; accepting again waits until a
                // peer leaves and frees an fd (see onReap).
                spdlog::warn("Failed to accept on '{}': {}, pausing until a peer leaves", socket_->path(),
                             std::strerror(errno));
                sd_event_source_set_enabled(acceptSource_.get(), SD_EVENT_OFF);
            } else if (errno != EAGAIN) {
                spdlog::warn("Failed to accept on '{}': {}, ignoring", socket_->path(), std::strerror(errno));
            }
            return;
        }
        if (connections_.size() >= kMaxConnections) {
            spdlog::warn("Refusing a control connection: {} are open already", connections_.size());
            continue;
        }
        // The socket's mode already keeps others out; this also holds when
        // an operator loosens it.
        ucred peer{};
        socklen_t length = sizeof peer;
        if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0) {
            spdlog::warn("Failed to read the credentials of a control peer: {}, dropping it", std::strerror(errno));
            continue;
        }
        if (peer.uid != 0 && peer.uid != ::geteuid()) {
            spdlog::warn("Refusing a control connection from uid {} (pid {}): only root may control the daemon",
                         peer.uid, peer.pid);
            continue;
        }
        if (auto served = servePeer(fd.get()); !served) {
            spdlog::warn("Failed to serve a control peer (pid {}): {}, dropping it", peer.pid,
                         served.error().message);
            continue;
        }
        fd.release();  // the bus owns it now
    }
}

Status ControlServer::servePeer(int fd) {
    sd_bus* raw = nullptr;
    int r = sd_bus_new(&raw);
    if (r < 0) return Error::fromErrno(r, "sd_bus_new");
    // Until sd_bus_set_fd succeeds the fd is the caller's; the bus must not
    // close it on the way out.
    CHandle<sd_bus, sd_bus_unref> fresh(raw);
    if ((r = sd_bus_set_fd(raw, fd, fd)) < 0) return Error::fromErrno(r, "sd_bus_set_fd");
    BusPtr bus(fresh.release());
    // Peer-to-peer: we are the server side of the SASL handshake; EXTERNAL
    // authentication checks the peer's uid against its socket credentials.
    if ((r = sd_bus_set_server(bus.get(), 1, serverId_)) < 0) return Error::fromErrno(r, "sd_bus_set_server");
    // The uid was checked at accept; sd-bus' per-method CAP_SYS_ADMIN check is for bus clients.
    if ((r = sd_bus_set_trusted(bus.get(), 1)) < 0) return Error::fromErrno(r, "sd_bus_set_trusted");
    if ((r = sd_bus_add_object_vtable(bus.get(), nullptr, kObjectPath, kInterface, kVtable, this)) < 0)
        return Error::fromErrno(r, "sd_bus_add_object_vtable");
    // sd-bus tells a closed connection to its own matches with this local signal.
    if ((r = sd_bus_match_signal(bus.get(), nullptr, nullptr, "/org/freedesktop/DBus/Local",
                                 "org.freedesktop.DBus.Local", "Disconnected", &ControlServer::onDisconnected,
                                 this)) < 0)
        return Error::fromErrno(r, "sd_bus_match_signal");
    if ((r = sd_bus_start(bus.get())) < 0) return Error::fromErrno(r, "sd_bus_start");
    if ((r = sd_bus_attach_event(bus.get(), event_, SD_EVENT_PRIORITY_NORMAL)) < 0)
        return Error::fromErrno(r, "sd_bus_attach_event");
    connections_.push_back(std::move(bus));
    return {};
}

int ControlServer::onDisconnected(sd_bus_message*, void* userdata, sd_bus_error*) noexcept {
    auto* self = static_cast<ControlServer*>(userdata);
    sd_event_source_set_enabled(self->reaper_.get(), SD_EVENT_ONESHOT);
    return 0;
}

int ControlServer::onReap(sd_event_source*, void* userdata) noexcept {
    auto* self = static_cast<ControlServer*>(userdata);
    std::erase_if(self->connections_, [](const BusPtr& bus) { return sd_bus_is_open(bus.get()) <= 0; });
    sd_event_source_set_enabled(self->acceptSource_.get(), SD_EVENT_ON);
    return 0;
}

int ControlServer::onGetStatus(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept {
    auto* self = static_cast<ControlServer*>(userdata);
    try {
        NodeStatus status = self->handler_.status();
        sd_bus_message* raw = nullptr;
        int r = sd_bus_message_new_method_return(call, &raw);
        if (r < 0) return r;
        MessagePtr reply(raw);
        if ((r = appendStatus(reply.get(), status)) < 0) return r;
        return sd_bus_send(nullptr, reply.get(), nullptr);
    } catch (const std::exception& e) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Failed to collect the status: %s", e.what());
    }
}

int ControlServer::onReload(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept {
    auto* self = static_cast<ControlServer*>(userdata);
    try {
        auto result = self->handler_.reload();
        if (!result) return sd_bus_error_set(error, kErrorReloadRefused, result.error().message.c_str());
        return sd_bus_reply_method_return(call, "s", result->c_str());
    } catch (const std::exception& e) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Reload failed: %s", e.what());
    }
}

namespace {

// Answers `call` with the out arguments `append` writes, or with the
// handler's error as org.freedesktop.DBus.Error.Failed.
template <typename T, typename Append>
int replyWith(sd_bus_message* call, sd_bus_error* error, const Result<T>& result, Append&& append) {
    if (!result) return sd_bus_error_set(error, SD_BUS_ERROR_FAILED, result.error().message.c_str());
    sd_bus_message* raw = nullptr;
    int r = sd_bus_message_new_method_return(call, &raw);
    if (r < 0) return r;
    MessagePtr reply(raw);
    if ((r = append(reply.get(), *result)) < 0) return r;
    return sd_bus_send(nullptr, reply.get(), nullptr);
}

}  // namespace

int ControlServer::onListServices(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept {
    auto* self = static_cast<ControlServer*>(userdata);
    try {
        return replyWith(call, error, self->handler_.listServices(),
                         [](sd_bus_message* m, const std::vector<ServiceRecord>& v) { return appendServices(m, v); });
    } catch (const std::exception& e) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Failed to list the services: %s", e.what());
    }
}

int ControlServer::onListConntrack(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept {
    auto* self = static_cast<ControlServer*>(userdata);
    try {
        return replyWith(call, error, self->handler_.listConntrack(),
                         [](sd_bus_message* m, const ConntrackListing& l) { return appendConntrack(m, l); });
    } catch (const std::exception& e) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Failed to list conntrack: %s", e.what());
    }
}

int ControlServer::onFlushConntrack(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept {
    auto* self = static_cast<ControlServer*>(userdata);
    try {
        auto removed = self->handler_.flushConntrack();
        if (!removed) return sd_bus_error_set(error, SD_BUS_ERROR_FAILED, removed.error().message.c_str());
        return sd_bus_reply_method_return(call, "t", *removed);
    } catch (const std::exception& e) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Failed to flush conntrack: %s", e.what());
    }
}

int ControlServer::onListIdentities(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept {
    auto* self = static_cast<ControlServer*>(userdata);
    try {
        return replyWith(call, error, self->handler_.listIdentities(),
                         [](sd_bus_message* m, const std::vector<IdentityRecord>& v) { return appendIdentities(m, v); });
    } catch (const std::exception& e) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Failed to list the identities: %s", e.what());
    }
}

int ControlServer::onGetPolicy(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept {
    auto* self = static_cast<ControlServer*>(userdata);
    try {
        const char* pod = nullptr;
        int r = sd_bus_message_read(call, "s", &pod);
        if (r < 0) return r;
        return replyWith(call, error, self->handler_.policyOf(pod),
                         [](sd_bus_message* m, const EndpointPolicyRecord& p) { return appendEndpointPolicy(m, p); });
    } catch (const std::exception& e) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Failed to read the pod's policy: %s", e.what());
    }
}

namespace {

int replyDrain(sd_bus_message* call, const DrainOutcome& outcome) {
    sd_bus_message* raw = nullptr;
    int r = sd_bus_message_new_method_return(call, &raw);
    if (r < 0) return r;
    MessagePtr reply(raw);
    if ((r = sd_bus_message_append(reply.get(), "s", outcome.message.c_str())) < 0) return r;
    if ((r = appendDrain(reply.get(), outcome.drain)) < 0) return r;
    return sd_bus_send(nullptr, reply.get(), nullptr);
}

}  // namespace

int ControlServer::onDrain(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept {
    auto* self = static_cast<ControlServer*>(userdata);
    try {
        auto outcome = self->handler_.drain();
        if (!outcome) return sd_bus_error_set(error, SD_BUS_ERROR_FAILED, outcome.error().message.c_str());
        return replyDrain(call, *outcome);
    } catch (const std::exception& e) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Drain failed: %s", e.what());
    }
}

int ControlServer::onUndrain(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept {
    auto* self = static_cast<ControlServer*>(userdata);
    try {
        auto outcome = self->handler_.undrain();
        if (!outcome) return sd_bus_error_set(error, kErrorUndrainRefused, outcome.error().message.c_str());
        return replyDrain(call, *outcome);
    } catch (const std::exception& e) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Undrain failed: %s", e.what());
    }
}

}  // namespace nodeplane::bus
