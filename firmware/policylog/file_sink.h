// Policy log records as lines of the rotated file (rotating_file.h).
#pragma once

#include "policylog/record_sink.h"
#include "policylog/rotating_file.h"

namespace nodeplane::policylog {

class FileSink final : public RecordSink {
public:
    explicit FileSink(RotatingFile::Options options) : file_(std::move(options)) {}

    Status write(const PolicyRecord& record, std::string_view json,
                 std::chrono::steady_clock::time_point now) override;

private:
    RotatingFile file_;
};

}  // namespace nodeplane::policylog
