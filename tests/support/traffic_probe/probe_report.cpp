#include "probe_report.h"

#include <nlohmann/json.hpp>

#include "common/rfc3339.h"

namespace nodeplane::probe {

namespace {

nlohmann::json failureJson(const FailureRecord& record) {
    return {{"at", formatRfc3339Millis(record.at)},
            {"reason", toString(record.reason)},
            {"detail", record.detail},
            {"longLived", record.longLived}};
}

nlohmann::json optionalFailure(const std::optional<FailureRecord>& record) {
    return record ? failureJson(*record) : nlohmann::json(nullptr);
}

}  // namespace

void TargetStats::recordFailure(FailureRecord record) {
    if (!record.longLived) ++failures;
    ++byReason[record.reason];
    if (!firstFailure) firstFailure = record;
    if (failureLog.size() < kFailureLogEntries) failureLog.push_back(record);
    lastFailure = std::move(record);
}

std::string renderReport(const std::vector<TargetReport>& targets, std::chrono::milliseconds duration) {
    nlohmann::json out;
    out["durationMs"] = duration.count();
    out["targets"] = nlohmann::json::object();
    for (const auto& [target, stats] : targets) {
        nlohmann::json reasons = nlohmann::json::object();
        for (const auto& [reason, count] : stats->byReason) reasons[toString(reason)] = count;
        nlohmann::json log = nlohmann::json::array();
        for (const auto& record : stats->failureLog) log.push_back(failureJson(record));
        nlohmann::json entry{{"address", target->describeAddress()},
                             {"kind", target->kind == TargetKind::Denied ? "denied" : "served"},
                             {"attempts", stats->attempts},
                             {"ok", stats->ok},
                             {"failures", stats->failures},
                             {"reasons", reasons},
                             {"answeredBy", stats->answeredBy},
                             {"firstFailure", optionalFailure(stats->firstFailure)},
                             {"lastFailure", optionalFailure(stats->lastFailure)},
                             {"failureLog", log}};
        if (stats->longLived.enabled)
            entry["longLived"] = {{"opened", stats->longLived.opened},
                                  {"exchanges", stats->longLived.exchanges},
                                  {"breaks", stats->longLived.breaks},
                                  {"survived", stats->longLived.breaks == 0 && stats->longLived.exchanges > 0}};
        out["targets"][target->name] = std::move(entry);
    }
    return out.dump(2) + "\n";
}

}  // namespace nodeplane::probe
