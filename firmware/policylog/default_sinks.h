// The sinks the settings ask for: the rotated file when `file` is set, the
// journal when `journal` is on.
#pragma once

#include <memory>
#include <vector>

#include "policylog/record_sink.h"
#include "policylog/settings.h"

namespace nodeplane::policylog {

std::vector<std::unique_ptr<RecordSink>> makeDefaultSinks(const Settings& settings);

}  // namespace nodeplane::policylog
