#include "flowstream/stream_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "common/log.h"
#include "flowstream/flow_json.h"

namespace nodeplane::flowstream {

StreamServer::StreamServer(sd_event* event, std::unique_ptr<UnixListenSocket> socket, StreamServerOptions options)
    : event_(event), socket_(std::move(socket)), options_(options) {}

StreamServer::~StreamServer() {
    // Clients first: their sources go before the loop might dispatch them.
    clients_.clear();
    accept_.reset();
}

Result<std::unique_ptr<StreamServer>> StreamServer::start(sd_event* event, const std::string& path,
                                                          StreamServerOptions options) {
    auto socket = UnixListenSocket::listen(path, options.socketMode, "Flow stream socket");
    if (!socket) return Error{socket.error().errnum, "Failed to serve the flow stream: " + socket.error().message};
    std::unique_ptr<StreamServer> self(new StreamServer(event, std::move(socket).value(), options));
    sd_event_source* source = nullptr;
    int r = sd_event_add_io(event, &source, self->socket_->fd(), EPOLLIN, &StreamServer::onAccept, self.get());
    if (r < 0) return Error::fromErrno(r, "Failed to watch the flow stream socket '" + path + "'");
    self->accept_.reset(source);
    sd_event_source_set_description(source, "observe-accept");
    return self;
}

std::size_t StreamServer::watchingClients() const {
    return static_cast<std::size_t>(
        std::count_if(clients_.begin(), clients_.end(), [](const auto& c) { return c->filter().has_value(); }));
}

std::uint64_t StreamServer::lostTotal() const {
    std::uint64_t total = lostByGone_;
    for (const auto& client : clients_) total += client->lostTotal();
    return total;
}

int StreamServer::onAccept(sd_event_source*, int, std::uint32_t, void* userdata) noexcept {
    static_cast<StreamServer*>(userdata)->accept();
    return 0;
}

void StreamServer::accept() noexcept {
    for (;;) {
        UniqueFd fd(::accept4(socket_->fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd.valid()) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno != EAGAIN) spdlog::warn("Failed to accept an observe client: {}, ignoring", std::strerror(errno));
            return;
        }
        if (clients_.size() >= options_.maxClients) {
            spdlog::warn("Refusing an observe client: {} are connected already", clients_.size());
            continue;  // closed by fd's destructor
        }
        try {
            auto client = std::make_unique<StreamClient>(
                std::move(fd), options_.clientQueueBytes, options_.maxFilterBytes,
                [this](StreamClient& c) { replayHistory(c); }, [this](StreamClient& c) { remove(c); });
            if (auto attached = client->attach(event_); !attached) {
                spdlog::warn("{}, ignoring", attached.error().message);
                continue;
            }
            clients_.push_back(std::move(client));
        } catch (const std::bad_alloc&) {
            spdlog::warn("Out of memory accepting an observe client, ignoring");
        }
    }
}

void StreamServer::replayHistory(StreamClient& client) {
    if (client.filter()->sinceNow) return;
    for (const auto& flow : history_)
        if (client.filter()->matches(flow)) client.send(flowJsonLine(flow));
}

void StreamServer::remove(StreamClient& client) {
    auto it = std::find_if(clients_.begin(), clients_.end(), [&](const auto& c) { return c.get() == &client; });
    if (it == clients_.end()) return;
    lostByGone_ += client.lostTotal();
    clients_.erase(it);
}

void StreamServer::publish(const observe::EnrichedFlow& flow) {
    if (options_.historyFlows > 0) {
        if (history_.size() >= options_.historyFlows) history_.pop_front();
        history_.push_back(flow);
    }
    std::string line;
    for (const auto& client : clients_) {
        const auto& filter = client->filter();
        if (!filter || !filter->matches(flow)) continue;
        if (line.empty()) line = flowJsonLine(flow);
        client->send(line);
    }
}

}  // namespace nodeplane::flowstream
