// One HTTP exchange as plain values, so request handlers are pure functions
// that tests call without a socket.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nodeplane::health {

struct HttpRequest {
    std::string_view method;  // "GET", "HEAD", ...
    std::string_view path;    // without the query string: "/healthz"
};

struct HttpResponse {
    unsigned status = 200;
    std::string contentType = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
};

// Called on the event loop for every request; must not block.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace nodeplane::health
