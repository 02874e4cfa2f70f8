// The slot range allocator behind np_backend_slots_v2: ranges never overlap,
// freed ranges merge with their neighbours, and a restarted daemon's
// reservations take exactly what its predecessor's frontends name.
#include <CppUTest/TestHarness.h>

#include "datapath/slot_ranges.h"

using nodeplane::datapath::SlotRanges;

TEST_GROUP(SlotRanges){};

TEST(SlotRanges, AllocatesFirstFitWithoutOverlap) {
    SlotRanges r(10);
    LONGS_EQUAL(0, *r.allocate(4));
    LONGS_EQUAL(4, *r.allocate(3));
    LONGS_EQUAL(7, *r.allocate(3));
    CHECK_FALSE(r.allocate(1).has_value());
    LONGS_EQUAL(0, r.freeSlots());
}

TEST(SlotRanges, RefusesWhatDoesNotFitInOnePiece) {
    SlotRanges r(10);
    auto a = *r.allocate(4);
    r.allocate(2);
    r.allocate(4);
    r.release(a, 4);
    LONGS_EQUAL(4, r.freeSlots());
    CHECK_FALSE(r.allocate(5).has_value());
    LONGS_EQUAL(0, *r.allocate(4));
    CHECK_FALSE(r.allocate(0).has_value());
}

TEST(SlotRanges, ReleasedNeighboursMergeIntoOneExtent) {
    SlotRanges r(9);
    auto a = *r.allocate(3);
    auto b = *r.allocate(3);
    auto c = *r.allocate(3);
    r.release(a, 3);
    r.release(c, 3);
    CHECK_FALSE(r.allocate(9).has_value());
    r.release(b, 3);  // joins both sides
    LONGS_EQUAL(0, *r.allocate(9));
}

TEST(SlotRanges, ReservesExactlyWhatItIsToldAndNothingTwice) {
    SlotRanges r(100);
    CHECK_TRUE(r.reserve(10, 5));
    CHECK_TRUE(r.reserve(50, 50));
    CHECK_FALSE(r.reserve(12, 2));   // taken
    CHECK_FALSE(r.reserve(95, 10));  // past the end
    CHECK_FALSE(r.reserve(100, 1));
    LONGS_EQUAL(45, r.freeSlots());
    LONGS_EQUAL(0, *r.allocate(10));
    LONGS_EQUAL(15, *r.allocate(35));
    CHECK_FALSE(r.allocate(1).has_value());
    r.release(10, 5);
    LONGS_EQUAL(10, *r.allocate(5));
}
