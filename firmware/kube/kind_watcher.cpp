#include "kube/kind_watcher.h"

#include <poll.h>

#include <spdlog/spdlog.h>

#include "k8sjson/k8sjson.h"
#include "kube/feed_shared.h"
#include "kube/object_store.h"

namespace nodeplane::kube {

namespace {

constexpr long kHttpGone = 410;  // the resourceVersion is older than the server keeps
constexpr long kHttpUnauthorized = 401;
constexpr long kHttpForbidden = 403;

std::string escaped(const std::string& value) {
    CHandle<char, curl_free> out(curl_easy_escape(nullptr, value.c_str(), static_cast<int>(value.size())));
    return out ? std::string(out.get()) : std::string{};
}

void mergeInto(k8sjson::Parsed& into, k8sjson::Parsed page) {
    auto move = [](auto& to, auto& from) {
        to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    };
    move(into.objects.nodes, page.objects.nodes);
    move(into.objects.namespaces, page.objects.namespaces);
    move(into.objects.pods, page.objects.pods);
    move(into.objects.services, page.objects.services);
    move(into.objects.endpointSlices, page.objects.endpointSlices);
    move(into.objects.networkPolicies, page.objects.networkPolicies);
    move(into.errors, page.errors);
}

}  // namespace

KindWatcher::KindWatcher(const KindInfo& kind, const FeedOptions& options, FeedShared& shared, std::uint64_t seed)
    : kind_(kind),
      options_(options),
      shared_(shared),
      backoff_(options.backoffInitial, options.backoffMax, seed),
      http_(options.credentials, shared.stopFd(), options.requestTimeout),
      thread_([this] { run(); }) {}

KindWatcher::~KindWatcher() {
    if (thread_.joinable()) thread_.join();
}

bool KindWatcher::stopping() const {
    pollfd p{shared_.stopFd(), POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
}

void KindWatcher::sleepFor(std::chrono::milliseconds delay) const {
    pollfd p{shared_.stopFd(), POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(delay.count()));
}

std::string KindWatcher::httpError(long status, const std::string& body) const {
    std::string message = statusMessage(body);
    std::string out = "HTTP " + std::to_string(status) + (message.empty() ? "" : " " + message);
    if (status == kHttpUnauthorized || status == kHttpForbidden)
        out += " (credentials from " + options_.credentials.describe + ")";
    return out;
}

void KindWatcher::reportFailure(const std::string& step, const std::string& error) {
    std::string what = step + ": " + error;
    shared_.failed(kind_.kind, what);
    // Compared by their start: errors about garbage quote the bytes received,
    // which differ on every retry while the cause stays the same.
    constexpr std::size_t kComparedChars = 64;
    std::string key = what.substr(0, kComparedChars);
    if (key != lastLogged_)
        spdlog::warn("Kubernetes API {}: {} failed: {}, retrying", kind_.plural, step, error);
    lastLogged_ = key;
}

Result<std::string> KindWatcher::list() {
    k8sjson::Parsed all;
    std::string continueToken;
    std::string version;
    do {
        std::string path = std::string(kind_.path) + "?limit=" + std::to_string(options_.listPageSize);
        if (!continueToken.empty()) path += "&continue=" + escaped(continueToken);
        auto response = http_.get(path, options_.requestTimeout);
        if (!response) return response.error();
        if (response->status >= 400) return Error::logical(httpError(response->status, response->body));
        auto page = k8sjson::parseText(response->body, kSourceName);
        // A body that is no list at all (garbage, a proxy's error page) is a
        // failed request, not an empty kind.
        if (page.list.resourceVersion.empty())
            return Error::logical("not a list" + (page.errors.empty() ? std::string(" (no metadata.resourceVersion)")
                                                                     : ": " + page.errors.front().toString()));
        continueToken = page.list.continueToken;
        version = page.list.resourceVersion;
        mergeInto(all, std::move(page));
    } while (!continueToken.empty() && !stopping());
    if (stopping()) return Error::logical("stopped");
    // A few examples name the problem; thousands of lines would bury it.
    constexpr std::size_t kLoggedErrors = 5;
    for (std::size_t i = 0; i < all.errors.size() && i < kLoggedErrors; ++i)
        spdlog::warn("Kubernetes API {}: {}, ignoring the object", kind_.plural, all.errors[i].toString());
    if (all.errors.size() > kLoggedErrors)
        spdlog::warn("Kubernetes API {}: {} more errors in the list, ignoring those objects", kind_.plural,
                     all.errors.size() - kLoggedErrors);
    shared_.update([&](ObjectStore& store) { return store.replace(kind_.kind, std::move(all)); });
    return version;
}

bool KindWatcher::handleLine(std::string_view line) {
    auto event = decoder_.decode(line);
    if (!event) {
        lineError_ = event.error().message;
        return false;
    }
    if (event->type == EventType::Error) {
        if (event->statusCode == kHttpGone) {
            gone_ = true;
        } else {
            lineError_ = "watch ERROR event " + std::to_string(event->statusCode) + " " + event->statusMessage;
        }
        return false;
    }
    shared_.succeeded(kind_.kind, false);
    resourceVersion_ = event->resourceVersion;
    if (event->type == EventType::Bookmark) return true;
    shared_.countEvent();
    state::ObjectKey key{kind_.namespaced ? event->namespace_ : "", event->name};
    if (event->type == EventType::Deleted) {
        shared_.update([&](ObjectStore& store) { return store.remove(kind_.kind, key); });
        return true;
    }
    auto parsed = k8sjson::parseText(event->object, kSourceName);
    for (const auto& e : parsed.errors)
        spdlog::warn("Kubernetes API {}: {}, ignoring the object", kind_.plural, e.toString());
    shared_.update([&](ObjectStore& store) { return store.put(kind_.kind, key, std::move(parsed)); });
    return true;
}

Result<KindWatcher::WatchEnd> KindWatcher::watch() {
    std::string path = std::string(kind_.path) + "?watch=1&allowWatchBookmarks=true&resourceVersion=" +
                       escaped(resourceVersion_) + "&timeoutSeconds=" + std::to_string(options_.watchTimeout.count());
    splitter_.clear();
    lineError_.clear();
    gone_ = false;
    auto response = http_.stream(path, options_.watchTimeout + options_.requestTimeout, [&](std::string_view chunk) {
        return splitter_.feed(chunk, [&](std::string_view line) { return handleLine(line); });
    });
    if (!response) return response.error();
    if (response->status == kHttpGone || gone_) return WatchEnd::Gone;
    if (response->status >= 400) return Error::logical(httpError(response->status, response->body));
    if (!lineError_.empty()) return Error::logical(lineError_);
    return WatchEnd::Expired;
}

void KindWatcher::run() noexcept {
    try {
        while (!stopping()) {
            if (resourceVersion_.empty()) {
                auto version = list();
                if (stopping()) break;
                if (!version) {
                    reportFailure("list", version.error().message);
                    sleepFor(backoff_.next());
                    continue;
                }
                resourceVersion_ = *version;
                shared_.succeeded(kind_.kind, true);
            }
            auto end = watch();
            if (stopping()) break;
            if (!end) {
                reportFailure("watch", end.error().message);
                shared_.countWatchRestart();
                sleepFor(backoff_.next());
                continue;
            }
            shared_.succeeded(kind_.kind, false);
            // A watch that ended in 410 is no recovery yet: the relist is.
            if (!lastLogged_.empty() && *end != WatchEnd::Gone)
                spdlog::info("Kubernetes API {}: watching again", kind_.plural);
            if (*end != WatchEnd::Gone) lastLogged_.clear();
            backoff_.reset();
            if (*end == WatchEnd::Gone) {
                spdlog::warn("Kubernetes API {}: resourceVersion {} is gone (410), listing again", kind_.plural,
                             resourceVersion_);
                shared_.countRelist();
                resourceVersion_.clear();
            } else {
                shared_.countWatchRestart();
            }
        }
    } catch (const std::exception& e) {
        spdlog::error("Kubernetes API {}: watcher stopped: {}", kind_.plural, e.what());
        shared_.failed(kind_.kind, std::string("watcher stopped: ") + e.what());
    }
}

}  // namespace nodeplane::kube
