// GET requests to the API server through libcurl, with the credentials'
// TLS and bearer token on every request. A request stops within one poll
// when the shared stop fd becomes readable, so a watcher never holds up
// shutdown, even mid-request.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "common/c_handle.h"
#include "common/result.h"
#include "kube/credentials.h"

#include <curl/curl.h>

namespace nodeplane::kube {

struct HttpResponse {
    long status = 0;   // HTTP status code
    std::string body;  // whole body (list), or the error body (stream)
};

// Initialises libcurl once per process (thread-safe since C++11 statics).
void initCurlOnce();

class HttpClient {
public:
    // `stopFd` is readable once the owner wants every request to end.
    HttpClient(const Credentials& credentials, int stopFd, std::chrono::seconds connectTimeout);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // The whole response to GET server+path; fails on transport errors, on
    // `timeout`, and when stopped. HTTP errors are a response, not a failure.
    Result<HttpResponse> get(const std::string& path, std::chrono::seconds timeout);
    // GET server+path, handing each piece of a 2xx body to `onData` as it
    // arrives (false from it ends the request, which then succeeds). For a
    // status >= 400 the body is collected into the response instead.
    Result<HttpResponse> stream(const std::string& path, std::chrono::seconds timeout,
                                std::function<bool(std::string_view)> onData);

private:
    struct Transfer;
    Result<HttpResponse> run(const std::string& path, std::chrono::seconds timeout, Transfer& transfer);

    const Credentials& credentials_;
    int stopFd_;
    std::chrono::seconds connectTimeout_;
    // Kept between requests so the connection is reused.
    CHandle<CURL, curl_easy_cleanup> easy_;
    CHandle<CURLM, curl_multi_cleanup> multi_;
};

}  // namespace nodeplane::kube
