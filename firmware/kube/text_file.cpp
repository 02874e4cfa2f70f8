#include "kube/text_file.h"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace nodeplane::kube {

Result<std::string> readTextFile(const std::string& path, const std::string& what) {
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::fromErrno(errno ? errno : ENOENT, "Failed to read " + what + " " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string trimmedLine(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
        text.pop_back();
    return text;
}

}  // namespace nodeplane::kube
