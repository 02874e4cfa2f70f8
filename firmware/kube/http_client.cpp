#include "kube/http_client.h"

#include <poll.h>

#include <cstring>
#include <mutex>

#include "kube/watch_event.h"

namespace nodeplane::kube {

namespace {

using SlistPtr = CHandle<curl_slist, curl_slist_free_all>;

constexpr int kPollMilliseconds = 1000;       // curl's own timers fire within this anyway
constexpr long kKeepaliveIdleSeconds = 30;    // finds a dead API server on an idle watch

// curl_blob copies the PEM (CURL_BLOB_COPY), so the blob may point at a temporary.
void setBlob(CURL* easy, CURLoption option, const std::string& pem) {
    curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(easy, option, &blob);
}

}  // namespace

struct HttpClient::Transfer {
    CURL* easy = nullptr;
    std::function<bool(std::string_view)> onData;  // empty: collect the body
    HttpResponse response;
    bool endedByReader = false;

    static size_t write(char* data, size_t size, size_t count, void* self) noexcept {
        auto* t = static_cast<Transfer*>(self);
        std::size_t bytes = size * count;
        if (t->response.status == 0) curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->response.status);
        if (!t->onData || t->response.status >= 400) {
            try {
                t->response.body.append(data, bytes);
            } catch (...) {
                return 0;  // out of memory: abort the transfer
            }
            return bytes;
        }
        bool more = false;
        try {
            more = t->onData(std::string_view(data, bytes));
        } catch (...) {
            more = false;
        }
        if (!more) t->endedByReader = true;
        return more ? bytes : 0;
    }
};

void initCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpClient::HttpClient(const Credentials& credentials, int stopFd, std::chrono::seconds connectTimeout)
    : credentials_(credentials), stopFd_(stopFd), connectTimeout_(connectTimeout) {
    initCurlOnce();
    easy_.reset(curl_easy_init());
    multi_.reset(curl_multi_init());
}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::get(const std::string& path, std::chrono::seconds timeout) {
    Transfer transfer;
    return run(path, timeout, transfer);
}

Result<HttpResponse> HttpClient::stream(const std::string& path, std::chrono::seconds timeout,
                                        std::function<bool(std::string_view)> onData) {
    Transfer transfer;
    transfer.onData = std::move(onData);
    return run(path, timeout, transfer);
}

Result<HttpResponse> HttpClient::run(const std::string& path, std::chrono::seconds timeout, Transfer& transfer) {
    if (!easy_ || !multi_) return Error::logical("libcurl could not create a handle");
    auto token = currentToken(credentials_);
    if (!token) return token.error();

    CURL* easy = easy_.get();
    curl_easy_reset(easy);  // keeps the connection cache
    transfer.easy = easy;
    std::string url = credentials_.server + path;
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!credentials_.caFile.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, credentials_.caFile.c_str());
    if (!credentials_.caPem.empty()) setBlob(easy, CURLOPT_CAINFO_BLOB, credentials_.caPem);
    if (!credentials_.clientCertFile.empty())
        curl_easy_setopt(easy, CURLOPT_SSLCERT, credentials_.clientCertFile.c_str());
    if (!credentials_.clientCertPem.empty()) setBlob(easy, CURLOPT_SSLCERT_BLOB, credentials_.clientCertPem);
    if (!credentials_.clientKeyFile.empty())
        curl_easy_setopt(easy, CURLOPT_SSLKEY, credentials_.clientKeyFile.c_str());
    if (!credentials_.clientKeyPem.empty()) setBlob(easy, CURLOPT_SSLKEY_BLOB, credentials_.clientKeyPem);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, static_cast<long>(connectTimeout_.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPIDLE, kKeepaliveIdleSeconds);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPINTVL, kKeepaliveIdleSeconds);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // gzip lists when the server offers it
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    char detail[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, detail);

    SlistPtr headers;
    auto append = [&](const std::string& h) {
        curl_slist* next = curl_slist_append(headers.get(), h.c_str());
        if (next) {
            (void)headers.release();
            headers.reset(next);
        }
    };
    append("Accept: application/json");
    if (!token->empty()) append("Authorization: Bearer " + *token);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());

    // Run through a multi handle so that the wait includes the stop fd.
    curl_multi_add_handle(multi_.get(), easy);
    bool stopped = false;
    int running = 1;
    while (running) {
        if (CURLMcode mc = curl_multi_perform(multi_.get(), &running); mc != CURLM_OK) {
            curl_multi_remove_handle(multi_.get(), easy);
            curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
            return Error::logical(std::string("libcurl: ") + curl_multi_strerror(mc));
        }
        if (!running) break;
        curl_waitfd stop{stopFd_, CURL_WAIT_POLLIN, 0};
        curl_multi_poll(multi_.get(), &stop, 1, kPollMilliseconds, nullptr);
        if (stop.revents & CURL_WAIT_POLLIN) {
            stopped = true;
            break;
        }
    }
    CURLcode result = CURLE_OK;
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_.get(), &queued))
        if (message->msg == CURLMSG_DONE && message->easy_handle == easy) result = message->data.result;
    curl_multi_remove_handle(multi_.get(), easy);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);  // `detail` goes out of scope
    if (stopped) return Error::logical("stopped");
    if (result == CURLE_WRITE_ERROR && transfer.endedByReader) result = CURLE_OK;
    if (result != CURLE_OK) {
        std::string message = std::string(curl_easy_strerror(result)) + (*detail ? std::string(": ") + detail : "");
        // libcurl says "Couldn't connect" alike for a refused, unreachable
        // or timed-out connect; the operator needs to know which.
        long osErrno = 0;
        if (result == CURLE_COULDNT_CONNECT && curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &osErrno) == CURLE_OK &&
            osErrno != 0)
            message += " (" + std::string(std::strerror(static_cast<int>(osErrno))) + ")";
        return Error::logical(message);
    }
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &transfer.response.status);
    return std::move(transfer.response);
}

}  // namespace nodeplane::kube
