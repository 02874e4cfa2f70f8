// The file a manual drain leaves (`[lifecycle] drain-marker`), so a daemon
// restarted or upgraded while drained comes back drained. Its mtime is when
// the drain began; its text says who drained, for the operator who finds it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/result.h"

namespace nodeplane::daemon {

// Writes the marker atomically (temporary file, rename) with `note` as its
// text; the directory must exist (/run/nodeplane is the unit's RuntimeDirectory).
Status writeDrainMarker(const std::string& path, const std::string& note);
// Removes it; a marker already gone is not an error.
Status removeDrainMarker(const std::string& path);
// When the marker was written (its mtime); nullopt when there is none.
Result<std::optional<std::chrono::system_clock::time_point>> readDrainMarker(const std::string& path);

}  // namespace nodeplane::daemon
