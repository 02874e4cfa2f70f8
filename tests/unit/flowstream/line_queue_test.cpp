// The bounded per-client queue: drops beyond its size, and reports how many
// once the reader has caught up to half.
#include <CppUTest/TestHarness.h>

#include "flowstream/line_queue.h"

using nodeplane::flowstream::LineQueue;

TEST_GROUP(LineQueue){};

TEST(LineQueue, KeepsLinesInOrderWhileTheyFit) {
    LineQueue queue(20);
    CHECK(queue.push("one\n"));
    CHECK(queue.push("two\n"));
    STRCMP_EQUAL("one\ntwo\n", std::string(queue.pending()).c_str());
    queue.consume(2);
    STRCMP_EQUAL("e\ntwo\n", std::string(queue.pending()).c_str());
    queue.consume(6);
    CHECK(queue.empty());
    LONGS_EQUAL(0, queue.lostTotal());
}

TEST(LineQueue, DropsWhenFullAndReportsOnceHalfDrained) {
    LineQueue queue(26);
    CHECK(queue.push("0123456789abcd\n"));      // 15 bytes
    CHECK_FALSE(queue.push("abcdefghijklm\n"));  // 14 more would be 29
    // Room for a short line now, but the queue stays behind until half empty.
    CHECK_FALSE(queue.push("x\n"));
    LONGS_EQUAL(2, queue.unreported());
    queue.consume(2);  // 13 bytes left: half of 26
    STRCMP_EQUAL("23456789abcd\n{\"lost\":2}\n", std::string(queue.pending()).c_str());
    LONGS_EQUAL(0, queue.unreported());
    CHECK(queue.push("y\n"));
    STRCMP_EQUAL("23456789abcd\n{\"lost\":2}\ny\n", std::string(queue.pending()).c_str());
    LONGS_EQUAL(2, queue.lostTotal());
}

TEST(LineQueue, AnEmptyQueueReportsAtTheNextPushBeforeTheLine) {
    LineQueue queue(20);
    CHECK_FALSE(queue.push("a line of 21 bytes..\n"));
    // Nothing was queued, so the queue is caught up: the notice comes first.
    CHECK(queue.push("ok\n"));
    STRCMP_EQUAL("{\"lost\":1}\nok\n", std::string(queue.pending()).c_str());
}
