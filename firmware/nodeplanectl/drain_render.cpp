#include "nodeplanectl/drain_render.h"

#include "common/rfc3339.h"

namespace nodeplane::ctl {
namespace {

using std::chrono::system_clock;

system_clock::time_point usecToTime(std::uint64_t usec) {
    return system_clock::time_point{std::chrono::microseconds{usec}};
}

std::string joinedReasons(const bus::DrainStatus& drain) {
    std::string out;
    for (const auto& reason : drain.reasons) out += (out.empty() ? "" : ", ") + reason;
    return out;
}

}  // namespace

nlohmann::ordered_json drainToJson(const bus::DrainStatus& drain) {
    using nlohmann::ordered_json;
    ordered_json since = nullptr;
    ordered_json movedAway = nullptr;
    if (drain.draining) {
        since = formatRfc3339Millis(usecToTime(drain.sinceUsec));
        movedAway = formatRfc3339Millis(usecToTime(drain.movedAwayUsec));
    }
    return ordered_json{{"draining", drain.draining}, {"exiting", drain.exiting},
                        {"reasons", drain.reasons},   {"since", std::move(since)},
                        {"movedAwayAt", std::move(movedAway)}, {"drainSeconds", drain.drainSeconds}};
}

std::string drainToText(const bus::DrainStatus& drain, system_clock::time_point now) {
    if (!drain.draining) return "not drained";
    std::string text = drain.exiting ? "draining to exit" : "drained";
    text += " (" + joinedReasons(drain) + ") since " + formatRfc3339Millis(usecToTime(drain.sinceUsec));
    const auto left = std::chrono::ceil<std::chrono::seconds>(usecToTime(drain.movedAwayUsec) - now).count();
    if (left > 0)
        text += "; load balancers should have moved away in " + std::to_string(left) + " s";
    else
        text += "; load balancers should have moved away " + std::to_string(-left) + " s ago";
    return text;
}

}  // namespace nodeplane::ctl
