#include <CppUTest/TestHarness.h>

#include <string>
#include <vector>

#include "kube/line_splitter.h"

using nodeplane::kube::LineSplitter;

namespace {

std::vector<std::string> splitInChunks(const std::string& stream, std::size_t chunkBytes) {
    LineSplitter splitter;
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < stream.size(); at += chunkBytes) {
        splitter.feed(std::string_view(stream).substr(at, chunkBytes), [&](std::string_view line) {
            lines.emplace_back(line);
            return true;
        });
    }
    return lines;
}

const std::string kStream =
    "{\"type\":\"ADDED\",\"object\":{\"name\":\"a\"}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"name\":\"caf\xc3\xa9\"}}\r\n"
    "\n"
    "{\"type\":\"DELETED\",\"object\":{}}\n"
    "{\"type\":\"BOOKMARK\"";  // not complete yet

}  // namespace

TEST_GROUP(LineSplitter){};

TEST(LineSplitter, SameLinesWhereverTheChunksCut) {
    for (std::size_t chunk = 1; chunk <= kStream.size(); ++chunk) {
        auto lines = splitInChunks(kStream, chunk);
        LONGS_EQUAL(3, lines.size());
        STRCMP_EQUAL("{\"type\":\"ADDED\",\"object\":{\"name\":\"a\"}}", lines[0].c_str());
        STRCMP_EQUAL("{\"type\":\"MODIFIED\",\"object\":{\"name\":\"caf\xc3\xa9\"}}", lines[1].c_str());
        STRCMP_EQUAL("{\"type\":\"DELETED\",\"object\":{}}", lines[2].c_str());
    }
}

TEST(LineSplitter, HoldsTheIncompleteLineUntilItsNewline) {
    LineSplitter splitter;
    std::vector<std::string> lines;
    auto collect = [&](std::string_view line) {
        lines.emplace_back(line);
        return true;
    };
    CHECK_TRUE(splitter.feed("{\"a\":", collect));
    LONGS_EQUAL(0, lines.size());
    LONGS_EQUAL(5, splitter.pending());
    CHECK_TRUE(splitter.feed("1}\n{\"b\"", collect));
    LONGS_EQUAL(1, lines.size());
    STRCMP_EQUAL("{\"a\":1}", lines[0].c_str());
    LONGS_EQUAL(4, splitter.pending());
    splitter.clear();
    CHECK_TRUE(splitter.feed(":2}\n", collect));
    STRCMP_EQUAL(":2}", lines[1].c_str());
}

TEST(LineSplitter, StopsWhenTheReaderSaysSo) {
    LineSplitter splitter;
    int seen = 0;
    bool more = splitter.feed("one\ntwo\nthree\nfour", [&](std::string_view) { return ++seen < 2; });
    CHECK_FALSE(more);
    LONGS_EQUAL(2, seen);
    LONGS_EQUAL(0, splitter.pending());
}
