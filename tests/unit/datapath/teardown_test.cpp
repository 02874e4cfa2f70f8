// teardownDatapath() against a datapath attached in a scratch network
// namespace and pinned on a private bpffs: every filter and pin of ours
// goes, a foreign filter stays, and a second run finds nothing.
#include <CppUTest/TestHarness.h>
#include <bpf/bpf.h>
#include <sys/stat.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>

#include "datapath/datapath.h"
#include "datapath/tc.h"
#include "datapath/teardown.h"
#include "support/bench_baseline.h"
#include "support/bpffs_mount.h"
#include "support/netns.h"
#include "support/or_fail.h"

using namespace nodeplane;
using namespace nodeplane::test;

namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

bool contains(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& line : lines)
        if (line.find(part) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_GROUP(Teardown) {
    std::unique_ptr<BpffsMount> bpffs;
    std::optional<ScopedNetns> netns;
    std::string dir;

    void setup() override {
        bpffs = orFail([] { return std::make_unique<BpffsMount>(); });
        netns.emplace(orFail([] { return ScopedNetns::create(); }));
        dir = bpffs->path() + "/node";
    }
    // Opens the datapath as a daemon would, attaches it (pods first, then
    // external interfaces) and lets it go like a daemon that stopped:
    // everything stays attached and pinned.
    void attachAndLeave(std::initializer_list<int> pods, std::initializer_list<int> externals = {}) {
        datapath::Options options;
        options.bpffs = dir;
        options.maxLocalEndpoints = 64;
        auto dp = datapath::Datapath::open(options);
        if (!dp) FAIL(dp.error().message.c_str());
        for (int pod : pods) CHECK_TRUE(dp->attachPod(pod).ok());
        for (int ext : externals) CHECK_TRUE(dp->attachExternal(ext).ok());
    }
    void teardown() override {
        netns.reset();
        bpffs.reset();
    }
};

TEST(Teardown, RemovesFiltersAndPinsAndASecondRunFindsNothing) {
    EnterNetns inside(*netns);
    const int pod = orFail([&] { return addVethPair(*netns, "np-pod-t", "np-pod-t-p"); });
    const int ext = ifindexIn(*netns, "np-pod-t-p");
    attachAndLeave({pod}, {ext});
    CHECK_TRUE(datapath::queryTc(pod, datapath::TcDirection::Ingress)->has_value());

    auto report = datapath::teardownDatapath(dir);
    if (!report) FAIL(report.error().message.c_str());
    CHECK_TEXT(contains(report->removed, "Detached np_from_pod"), "from_pod not reported");
    CHECK_TEXT(contains(report->removed, "from 'np-pod-t-p' egress"), "to_netdev not reported");
    CHECK_TEXT(contains(report->removed, "Removed the pinned map " + dir + "/maps/np_conntrack_v2"), "maps");
    CHECK_TEXT(contains(report->removed, "Removed the pinned map " + dir + "/maps/np_layout"), "layout");
    for (int ifindex : {pod, ext})
        for (auto direction : {datapath::TcDirection::Ingress, datapath::TcDirection::Egress})
            CHECK_FALSE(datapath::queryTc(ifindex, direction)->has_value());
    CHECK_FALSE(exists(dir));
    LONGS_EQUAL(0, report->kept.size());

    auto again = datapath::teardownDatapath(dir);
    if (!again) FAIL(again.error().message.c_str());
    LONGS_EQUAL(0, again->removed.size());
    LONGS_EQUAL(0, again->kept.size());
}

// A filter at our handle and priority that runs someone else's program
// (not pinned under our directory, not named like ours) stays, and so does
// a file of someone else's in our directory.
TEST(Teardown, LeavesOtherProgramsAndFilesAlone) {
    EnterNetns inside(*netns);
    const int pod = orFail([&] { return addVethPair(*netns, "np-pod-u", "np-pod-u-p"); });
    const int peer = ifindexIn(*netns, "np-pod-u-p");
    attachAndLeave({pod});
    auto foreign = EmptyBaseline::load();
    if (!foreign) FAIL(foreign.error().message.c_str());
    CHECK_TRUE(datapath::attachTc(peer, datapath::TcDirection::Ingress, foreign->programFd(), "foreign").ok());
    const auto foreignId = datapath::queryTc(peer, datapath::TcDirection::Ingress);
    CHECK_TRUE(foreignId.ok() && foreignId->has_value());
    CHECK_EQUAL(0, ::mkdir((dir + "/notes").c_str(), 0700));

    auto report = datapath::teardownDatapath(dir);
    if (!report) FAIL(report.error().message.c_str());
    CHECK_FALSE(datapath::queryTc(pod, datapath::TcDirection::Ingress)->has_value());
    CHECK_FALSE(datapath::queryTc(pod, datapath::TcDirection::Egress)->has_value());
    auto still = datapath::queryTc(peer, datapath::TcDirection::Ingress);
    CHECK_TRUE(still.ok() && still->has_value());
    LONGS_EQUAL(**foreignId, **still);
    CHECK_TRUE(exists(dir + "/notes"));
    CHECK_FALSE(exists(dir + "/maps"));
    CHECK_TEXT(contains(report->kept, "Kept " + dir), "the kept directory is not reported");
    CHECK_TRUE(datapath::detachTc(peer, datapath::TcDirection::Ingress).ok());
}
