// The API server's base URL, checked once so requests can append paths.
#pragma once

#include <string>

#include "common/result.h"

namespace nodeplane::kube {

// "https://host[:port][/prefix]" without a trailing slash; anything but https is refused.
Result<std::string> normalizeServerUrl(const std::string& url);

}  // namespace nodeplane::kube
