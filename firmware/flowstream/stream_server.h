// The live flow stream on [observe] socket: `nodeplanectl observe` connects,
// sends its filter as one JSON line, and reads one JSON line per matching
// flow (flow_json.h), plus {"lost": N} after it fell behind and missed N.
// Everything runs in the daemon's sd-event loop; nothing here blocks it.
#pragma once

#include <systemd/sd-event.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/event.h"
#include "common/result.h"
#include "common/unix_listen_socket.h"
#include "flowstream/stream_client.h"
#include "observe/flow_event.h"

namespace nodeplane::flowstream {

struct StreamServerOptions {
    // Per client: beyond this a slow reader loses flows instead of making
    // the daemon hold more (about 10000 flows of ~400 bytes).
    std::size_t clientQueueBytes = 4u << 20;
    std::size_t maxClients = 32;            // more are accepted and closed at once
    std::size_t maxFilterBytes = 64u << 10;  // the filter line
    // Recent flows replayed to a client that did not ask for sinceNow;
    // 0 keeps none and makes publish() free while nobody watches.
    std::size_t historyFlows = 256;
    mode_t socketMode = 0600;  // flows name every pod's peers: root only
};

class StreamServer {
public:
    // Listens on `path` (parents created) and serves from `event`, which
    // must outlive the server.
    static Result<std::unique_ptr<StreamServer>> start(sd_event* event, const std::string& path,
                                                       StreamServerOptions options = {});
    ~StreamServer();
    StreamServer(const StreamServer&) = delete;
    StreamServer& operator=(const StreamServer&) = delete;

    // One flow from the datapath, enriched. Formatted once, and only when
    // some client's filter takes it.
    void publish(const observe::EnrichedFlow& flow);

    const std::string& path() const { return socket_->path(); }
    std::size_t clients() const { return clients_.size(); }
    // Clients that sent their filter and now receive flows.
    std::size_t watchingClients() const;
    // Flows some client missed because it fell behind, over all clients
    // ever connected (for the metrics).
    std::uint64_t lostTotal() const;

private:
    StreamServer(sd_event* event, std::unique_ptr<UnixListenSocket> socket, StreamServerOptions options);
    static int onAccept(sd_event_source* source, int fd, std::uint32_t revents, void* userdata) noexcept;
    void accept() noexcept;
    void replayHistory(StreamClient& client);
    void remove(StreamClient& client);

    sd_event* event_;
    std::unique_ptr<UnixListenSocket> socket_;
    StreamServerOptions options_;
    std::deque<observe::EnrichedFlow> history_;
    std::uint64_t lostByGone_ = 0;  // lost counts of clients that left
    std::vector<std::unique_ptr<StreamClient>> clients_;
    EventSourcePtr accept_;  // last: removed before the socket closes
};

}  // namespace nodeplane::flowstream
