// A watch response is a stream of JSON documents, one per line
// (k8s.io/apimachinery watch framing for JSON), arriving in chunks that cut
// anywhere: mid-line, mid-character. The splitter hands on whole lines only.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace nodeplane::kube {

class LineSplitter {
public:
    using LineFn = std::function<bool(std::string_view line)>;  // false: stop, drop the rest

    // Calls `onLine` for every line completed by `chunk` (without its "\n" or
    // "\r\n"; blank lines are skipped). Returns false when `onLine` did.
    bool feed(std::string_view chunk, const LineFn& onLine);
    // Bytes held of a line not yet complete.
    std::size_t pending() const { return partial_.size(); }
    void clear() { partial_.clear(); }

private:
    std::string partial_;
};

}  // namespace nodeplane::kube
