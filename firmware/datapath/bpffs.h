// The bpf filesystem under [datapath] bpffs: where pinned maps and programs
// live so they outlive the daemon (config.md).
#pragma once

#include <string>

#include "common/result.h"

namespace nodeplane::datapath {

// Makes sure `dir` exists on a bpf filesystem. Missing components are created
// only when the nearest existing ancestor is on a bpffs; anything else is
// refused with a message saying how to fix it, because pins on another
// filesystem fail and a datapath without pins dies with the process.
Status prepareBpffsDir(const std::string& dir);

// mkdir that accepts an existing directory.
Status makeDir(const std::string& dir);

// Pins `fd` at `path`, replacing whatever was pinned there. The pin is made
// under a temporary name and renamed over the old one, so `path` always names
// a valid object for readers such as bpftool.
Status pinReplacing(int fd, const std::string& path);

}  // namespace nodeplane::datapath
