// Replacing a watched snapshot the way a careful writer does: the new text
// goes to a file beside it first (staged), then one rename() makes it the
// snapshot (commit), so a reader sees the old file or the new one, whole.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace nodeplane::bench {

// Writes `text` to "<path>.staged", flushed and closed.
Status stageSnapshot(const std::string& path, std::string_view text);
// rename("<path>.staged", path).
Status commitSnapshot(const std::string& path);

}  // namespace nodeplane::bench
