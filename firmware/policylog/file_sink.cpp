#include "policylog/file_sink.h"

namespace nodeplane::policylog {

Status FileSink::write(const PolicyRecord&, std::string_view json, std::chrono::steady_clock::time_point now) {
    return file_.append(json, now);
}

}  // namespace nodeplane::policylog
