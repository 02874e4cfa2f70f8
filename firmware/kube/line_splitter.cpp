#include "kube/line_splitter.h"

namespace nodeplane::kube {

namespace {

std::string_view withoutCr(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

}  // namespace

bool LineSplitter::feed(std::string_view chunk, const LineFn& onLine) {
    while (!chunk.empty()) {
        std::size_t end = chunk.find('\n');
        if (end == std::string_view::npos) {
            partial_.append(chunk);
            return true;
        }
        std::string_view piece = chunk.substr(0, end);
        chunk.remove_prefix(end + 1);
        bool keepGoing = true;
        if (partial_.empty()) {
            // The common case: a whole line inside one chunk, no copy.
            if (!withoutCr(piece).empty()) keepGoing = onLine(withoutCr(piece));
        } else {
            partial_.append(piece);
            std::string line = std::move(partial_);
            partial_.clear();
            if (!withoutCr(line).empty()) keepGoing = onLine(withoutCr(line));
        }
        if (!keepGoing) {
            partial_.clear();
            return false;
        }
    }
    return true;
}

}  // namespace nodeplane::kube
