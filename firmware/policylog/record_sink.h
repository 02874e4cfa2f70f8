// Where policy log records go: the rotated file and the journal, behind one
// narrow interface so the logger is tested with a capturing sink.
#pragma once

#include <chrono>
#include <string_view>

#include "common/result.h"
#include "policylog/policy_record.h"

namespace nodeplane::policylog {

class RecordSink {
public:
    virtual ~RecordSink() = default;
    // `json` is recordJson(record), made once for all sinks; `now` is the
    // logger's monotonic clock.
    virtual Status write(const PolicyRecord& record, std::string_view json,
                         std::chrono::steady_clock::time_point now) = 0;
};

}  // namespace nodeplane::policylog
