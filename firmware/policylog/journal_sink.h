// Policy log records as native journal entries (journal_fields.h).
#pragma once

#include "policylog/record_sink.h"

namespace nodeplane::policylog {

class JournalSink final : public RecordSink {
public:
    Status write(const PolicyRecord& record, std::string_view json,
                 std::chrono::steady_clock::time_point now) override;
};

}  // namespace nodeplane::policylog
