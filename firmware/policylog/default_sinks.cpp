#include "policylog/default_sinks.h"

#include "policylog/file_sink.h"
#include "policylog/journal_sink.h"

namespace nodeplane::policylog {

std::vector<std::unique_ptr<RecordSink>> makeDefaultSinks(const Settings& settings) {
    std::vector<std::unique_ptr<RecordSink>> sinks;
    const auto& logging = settings.logging;
    if (!logging.file.empty())
        sinks.push_back(std::make_unique<FileSink>(
            RotatingFile::Options{logging.file, logging.fileMaxBytes, logging.fileBackups}));
    if (logging.journal) sinks.push_back(std::make_unique<JournalSink>());
    return sinks;
}

}  // namespace nodeplane::policylog
