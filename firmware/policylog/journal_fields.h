// The journal entry of one policy log record: MESSAGE is the JSON line (what
// the file holds), and the connection is repeated as fields so operators can
// filter without parsing JSON, e.g.
//   journalctl NODEPLANE_POLICY_DISPOSITION=deny NODEPLANE_POLICY_DEST_NAMESPACE=shop
// Every field but MESSAGE, PRIORITY and SYSLOG_IDENTIFIER carries the
// NODEPLANE_POLICY_ prefix; NODEPLANE_NODE is the node, as the daemon's own
// log lines carry it. Fields that do not apply are left out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policylog/policy_record.h"

namespace nodeplane::policylog {

// The daemon's identifier: records sit beside its other lines.
inline constexpr std::string_view kSyslogIdentifier = "nodeplaned";

// "KEY=value" strings, MESSAGE first, ready for sd_journal_sendv().
std::vector<std::string> journalFields(const PolicyRecord& record, std::string_view json);

}  // namespace nodeplane::policylog
