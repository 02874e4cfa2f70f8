#include "nodeplanectl/feed_render.h"

#include <algorithm>

#include "common/rfc3339.h"

namespace nodeplane::ctl {
namespace {

using std::chrono::system_clock;

nlohmann::ordered_json timeOrNull(std::uint64_t usec) {
    if (usec == 0) return nullptr;
    return formatRfc3339Millis(system_clock::time_point{std::chrono::microseconds{usec}});
}

std::string agoText(std::uint64_t usec, system_clock::time_point now) {
    auto at = system_clock::time_point{std::chrono::microseconds{usec}};
    auto seconds = std::chrono::floor<std::chrono::seconds>(now - at).count();
    return std::to_string(std::max<long long>(seconds, 0)) + " s ago";
}

}  // namespace

nlohmann::ordered_json feedToJson(const bus::StateFeedStatus& feed) {
    return nlohmann::ordered_json{{"degraded", feed.degraded},
                                  {"degradedReason", feed.degradedReason},
                                  {"servingLastKnown", feed.servingLastKnown},
                                  {"synced", feed.synced},
                                  {"connected", feed.connected},
                                  {"lastError", feed.lastError},
                                  {"lastContact", timeOrNull(feed.lastContactUsec)},
                                  {"lastKnownPath", feed.lastKnownPath},
                                  {"lastKnownSaved", timeOrNull(feed.lastKnownSavedUsec)},
                                  {"relists", feed.relists},
                                  {"watchRestarts", feed.watchRestarts},
                                  {"events", feed.events},
                                  {"errors", feed.errors}};
}

std::string feedToText(const bus::StateFeedStatus& feed, system_clock::time_point now) {
    std::string api = feed.synced ? "synced" : "not synced";
    api += feed.connected ? ", connected" : ", not connected";
    api += feed.lastContactUsec ? ", last answer " + agoText(feed.lastContactUsec, now) : ", no answer yet";
    api += " (" + std::to_string(feed.relists) + " relists, " + std::to_string(feed.watchRestarts) +
           " watch restarts, " + std::to_string(feed.events) + " events, " + std::to_string(feed.errors) + " errors)";
    std::string text = "API:      " + api + "\n";
    if (!feed.lastError.empty()) text += "API error: " + feed.lastError + "\n";
    if (feed.degraded) text += "Degraded: " + feed.degradedReason + "\n";
    if (!feed.lastKnownPath.empty())
        text += "Saved:    " + feed.lastKnownPath +
                (feed.lastKnownSavedUsec ? " " + agoText(feed.lastKnownSavedUsec, now) : std::string(" (not yet)")) +
                "\n";
    return text;
}

}  // namespace nodeplane::ctl
