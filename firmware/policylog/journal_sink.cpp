#include "policylog/journal_sink.h"

#include <sys/uio.h>
// A policy record is about a connection, not about this source line: without
// this, sd_journal_sendv() adds CODE_FILE/CODE_LINE/CODE_FUNC of the sink to
// every record.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "policylog/journal_fields.h"

namespace nodeplane::policylog {

Status JournalSink::write(const PolicyRecord& record, std::string_view json, std::chrono::steady_clock::time_point) {
    std::vector<std::string> fields = journalFields(record, json);
    std::vector<struct iovec> iov;
    iov.reserve(fields.size());
    for (auto& field : fields) iov.push_back({field.data(), field.size()});
    int rc = sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
    if (rc < 0) return Error::fromErrno(rc, "Failed to send a policy log record to the journal");
    return {};
}

}  // namespace nodeplane::policylog
