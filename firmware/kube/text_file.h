// Small secret files (tokens, CAs) read whole, as the kubelet writes them.
#pragma once

#include <string>

#include "common/result.h"

namespace nodeplane::kube {

// The whole file; `what` names it in the error ("service account token").
Result<std::string> readTextFile(const std::string& path, const std::string& what);
// Without trailing newlines and blanks (a token file usually ends in "\n").
std::string trimmedLine(std::string text);

}  // namespace nodeplane::kube
