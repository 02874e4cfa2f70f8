// The wakeup mark (Options::eventsWakeupBytes, rodata np_events_wakeup_bytes)
// against the shipped object: records that leave less than the mark waiting
// are written without waking the reader (its fd stays quiet in poll), the
// record that brings the waiting bytes to the mark wakes it, and without a
// mark the first record does. The daemon relies on both halves: it sleeps
// through small batches and picks them up on its consume timer.
#include <CppUTest/TestHarness.h>
#include <linux/pkt_cls.h>
#include <poll.h>

#include <cstdint>
#include <memory>
#include <string>

#include "datapath/events.h"
#include "event_test_support.h"
#include "nodeplane/abi/events.h"
#include "packet_test_support.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Program;

namespace {

constexpr std::uint32_t kMarkBytes = 4096;
// The most records that stay below the mark, so none of them wakes.
constexpr std::uint32_t kBelowMark = (kMarkBytes - 1) / kRingRecordBytes;
static_assert(kBelowMark >= 2, "the test needs several records below the mark");

// Long enough for an irq_work wakeup queued by the submit to have run;
// a quiet fd for this long means no wakeup was sent.
constexpr int kQuietMs = 100;
constexpr int kWokenWithinMs = 2000;

// Pod A sending as pod B: dropped on from_pod with one drop record each.
Bytes spoofed() {
    return PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodB, kPodElsewhere).tcp(40000, 443, tcp_flags::kSyn).build();
}

// poll(2) on the reader's fd: 1 when it woke within `ms`, 0 when not.
int readableWithin(const datapath::EventReader& reader, int ms) {
    pollfd pfd{reader.fd(), POLLIN, 0};
    const int n = ::poll(&pfd, 1, ms);
    CHECK_TEXT(n >= 0, "poll failed");
    return n;
}

struct WakeupNode {
    std::unique_ptr<DatapathFixture> node;
    std::unique_ptr<datapath::EventReader> reader;
    int host = 0;

    explicit WakeupNode(std::uint32_t markBytes) {
        datapath::Options options;
        options.eventsWakeupBytes = markBytes;
        orFail([&] {
            node = std::make_unique<DatapathFixture>(options);
            host = node->addInterface("np-pod-a");
        });
        CHECK_TRUE(node->datapath()
                       .localEndpoints()
                       .upsert(ipOf(kPodA), {static_cast<std::uint32_t>(host), 1, 0, 0})
                       .ok());
        reader = std::make_unique<datapath::EventReader>(openReader(node->datapath()));
        CHECK_TRUE(node->datapath().setEventMask(NP_EVENTS_F_DROP).ok());
    }

    // `count` drop records, one BPF_PROG_TEST_RUN repetition each.
    void writeRecords(std::uint32_t count) {
        const auto index = static_cast<std::uint32_t>(host);
        auto run = testRun(node->datapath().programFd(Program::FromPod), spoofed(), SkbContext{index, index, 0}, count);
        if (!run) FAIL(run.error().message.c_str());
        CHECK_TC_ACTION(TC_ACT_SHOT, *run);
    }

    std::size_t consumeAll() {
        auto n = reader->consume([](const observe::FlowEvent&) {});
        if (!n) FAIL(n.error().message.c_str());
        return *n;
    }
};

}  // namespace

TEST_GROUP(WakeupMark) {
    std::unique_ptr<WakeupNode> n;
    void teardown() override { n.reset(); }
};

TEST(WakeupMark, RecordsBelowTheMarkDoNotWakeTheReaderAndTheOneReachingItDoes) {
    n = std::make_unique<WakeupNode>(kMarkBytes);
    n->writeRecords(1);
    LONGS_EQUAL_TEXT(0, readableWithin(*n->reader, kQuietMs), "one record below the mark woke the reader");
    n->writeRecords(kBelowMark - 1);
    LONGS_EQUAL_TEXT(0, readableWithin(*n->reader, kQuietMs),
                     (std::to_string(kBelowMark * kRingRecordBytes) + " bytes below the mark woke the reader").c_str());

    // The next record brings the waiting bytes to the mark.
    n->writeRecords(1);
    LONGS_EQUAL_TEXT(1, readableWithin(*n->reader, kWokenWithinMs), "the record reaching the mark did not wake");
    LONGS_EQUAL(kBelowMark + 1, n->consumeAll());
    LONGS_EQUAL(0, *n->node->datapath().eventsLost());

    // Drained, the count starts again: a new record below the mark is quiet
    // once more, and still read by the next consume (the daemon's timer).
    LONGS_EQUAL(0, readableWithin(*n->reader, 0));
    n->writeRecords(1);
    LONGS_EQUAL_TEXT(0, readableWithin(*n->reader, kQuietMs), "a record after draining woke the reader");
    LONGS_EQUAL(1, n->consumeAll());
}

TEST(WakeupMark, ABatchCrossingTheMarkWakesTheReader) {
    n = std::make_unique<WakeupNode>(kMarkBytes);
    n->writeRecords(3 * kBelowMark);
    LONGS_EQUAL(1, readableWithin(*n->reader, kWokenWithinMs));
    LONGS_EQUAL(3 * kBelowMark, n->consumeAll());
}

TEST(WakeupMark, WithoutAMarkTheFirstRecordWakesTheReader) {
    n = std::make_unique<WakeupNode>(0);
    n->writeRecords(1);
    LONGS_EQUAL_TEXT(1, readableWithin(*n->reader, kWokenWithinMs), "no mark: the first record did not wake");
    LONGS_EQUAL(1, n->consumeAll());
}
