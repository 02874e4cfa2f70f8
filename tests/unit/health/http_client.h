// A blocking HTTP/1.1 client on a second thread while the test thread runs
// the sd-event loop that serves the request: the server side stays exactly
// as the daemon runs it (one thread, one loop).
#pragma once

#include <systemd/sd-event.h>

#include <cstdint>
#include <map>
#include <string>

namespace nodeplane::health::test {

struct HttpReply {
    int status = 0;                              // 0: no answer
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    std::string error;  // why there is no answer
    std::string raw;    // every byte received
};

// Sends `request` verbatim to host:port (IPv4 or IPv6 literal) and reads
// until the server closes; gives up after a few seconds.
HttpReply exchange(sd_event* event, const std::string& host, std::uint16_t port, const std::string& request);

// "GET /path HTTP/1.1" with Host and "Connection: close".
std::string simpleRequest(const std::string& method, const std::string& path);

}  // namespace nodeplane::health::test
