// The socket hooks' attachment: links pinned under <bpffs>/links that outlive
// the Datapath that made them, adopted by a successor that swaps its programs
// in (same links, no moment without a hook), moved when the cgroup changes,
// removed on detach, and a path that is not a cgroup v2 directory refused.
#include <CppUTest/TestHarness.h>
#include <bpf/bpf.h>
#include <sys/stat.h>

#include <optional>

#include "datapath/cgroup.h"
#include "sock_lb_node.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Program;

namespace {

// The ids of our programs attached to `cgroupPath` at `type`, as the kernel
// lists them for that cgroup alone.
std::vector<std::uint32_t> programsOn(const std::string& cgroupPath, bpf_attach_type type) {
    auto cgroup = datapath::openCgroup2(cgroupPath);
    if (!cgroup) FAIL(cgroup.error().message.c_str());
    std::uint32_t ids[16] = {};
    std::uint32_t count = 16, flags = 0;
    if (::bpf_prog_query(cgroup->fd.get(), type, 0, &flags, ids, &count) != 0) FAIL(errnoText("bpf_prog_query").c_str());
    return std::vector<std::uint32_t>(ids, ids + count);
}

std::uint32_t programId(int fd) {
    bpf_prog_info info{};
    std::uint32_t len = sizeof info;
    if (::bpf_obj_get_info_by_fd(fd, &info, &len) != 0) FAIL(errnoText("bpf_obj_get_info_by_fd").c_str());
    return info.id;
}

std::vector<datapath::SocketHookInfo> hooksOf(const datapath::Datapath& dp) {
    auto hooks = dp.socketHooks();
    if (!hooks) FAIL(hooks.error().message.c_str());
    LONGS_EQUAL(4, hooks->size());
    return *hooks;
}

std::string webThroughHooks(SocketNode& n) {
    return runInCgroup(*n.cgroup, [] { return tcpClient(kVip, kVipPort); });
}

}  // namespace

TEST_GROUP(SocketHooks) {
    SocketNode n;
    void setup() override { n.build(); }
    void teardown() override { n.tearDown(); }
};

TEST(SocketHooks, ArePinnedLinksOnTheCgroupRunningTheLoadedPrograms) {
    auto cgroup = datapath::openCgroup2(n.cgroup->path());
    CHECK_TRUE(cgroup.ok());
    const Program order[] = {Program::SockConnect4, Program::SockSendmsg4, Program::SockRecvmsg4,
                             Program::SockGetpeername4};
    auto hooks = hooksOf(n.dp());
    for (std::size_t i = 0; i < hooks.size(); ++i) {
        const auto& hook = hooks[i];
        const std::string name(datapath::programName(hook.program));
        CHECK_TRUE(hook.program == order[i]);
        CHECK_TEXT(hook.attached && hook.current, name.c_str());
        LONGS_EQUAL(cgroup->id, hook.cgroupId);
        LONGS_EQUAL(programId(n.dp().programFd(hook.program)), hook.progId);
        struct stat st {};
        CHECK_TEXT(::stat((n.dp().bpffs() + "/links/" + name).c_str(), &st) == 0, name.c_str());
    }
    const auto connect4 = programsOn(n.cgroup->path(), BPF_CGROUP_INET4_CONNECT);
    LONGS_EQUAL(1, connect4.size());
    LONGS_EQUAL(hooks[0].progId, connect4[0]);
}

TEST(SocketHooks, ARestartedDatapathSwapsItsProgramsIntoThePinnedLinks) {
    auto podB = orFail([] { return tcpListener(kPodB, kBackendPort); });
    n.publishWeb({{7, backendAt(kPodB)}});
    const auto before = hooksOf(n.dp());

    datapath::Options options;
    options.bpffs = n.dp().bpffs();
    std::optional<datapath::Datapath> second;
    {
        auto opened = datapath::Datapath::open(options);
        CHECK_TEXT(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());
        second.emplace(std::move(*opened));
    }
    for (const auto& hook : hooksOf(*second)) CHECK_TRUE(hook.attached && !hook.current);  // the predecessor's

    checkOk(second->attachSocketHooks(n.cgroup->path()));
    const auto after = hooksOf(*second);
    for (std::size_t i = 0; i < after.size(); ++i) {
        LONGS_EQUAL(before[i].linkId, after[i].linkId);  // bpf_link_update, not a new attachment
        CHECK_TRUE(after[i].current);
        LONGS_EQUAL(programId(second->programFd(after[i].program)), after[i].progId);
    }
    LONGS_EQUAL(1, programsOn(n.cgroup->path(), BPF_CGROUP_INET4_CONNECT).size());

    // The new programs serve, and go on serving once their Datapath is gone:
    // the pins hold them, as the tc filters outlive the daemon.
    second.reset();
    STRCMP_EQUAL("peer 10.96.0.10:80", webThroughHooks(n).c_str());
    STRCMP_EQUAL("hello", acceptAndRead(podB.get()).c_str());
}

TEST(SocketHooks, AnotherCgroupTakesTheHooksOver) {
    auto podB = orFail([] { return tcpListener(kPodB, kBackendPort); });
    n.publishWeb({{7, backendAt(kPodB)}});
    const auto before = hooksOf(n.dp());
    auto other = orFail([] { return std::make_unique<ScratchCgroup>(); });

    checkOk(n.dp().attachSocketHooks(other->path()));
    auto otherCgroup = datapath::openCgroup2(other->path());
    CHECK_TRUE(otherCgroup.ok());
    const auto after = hooksOf(n.dp());
    for (std::size_t i = 0; i < after.size(); ++i) {
        CHECK_TRUE(after[i].linkId != before[i].linkId);
        LONGS_EQUAL(otherCgroup->id, after[i].cgroupId);
    }
    LONGS_EQUAL(0, programsOn(n.cgroup->path(), BPF_CGROUP_INET4_CONNECT).size());
    STRCMP_EQUAL("connect: Network is unreachable", webThroughHooks(n).c_str());  // the old cgroup: untranslated
    STRCMP_EQUAL("peer 10.96.0.10:80", runInCgroup(*other, [] { return tcpClient(kVip, kVipPort); }).c_str());
    STRCMP_EQUAL("hello", acceptAndRead(podB.get()).c_str());
}

TEST(SocketHooks, DetachRemovesThem) {
    n.publishWeb({{7, backendAt(kPodB)}});
    checkOk(n.dp().detachSocketHooks());
    for (const auto& hook : hooksOf(n.dp())) CHECK_FALSE(hook.attached);
    for (auto type : {BPF_CGROUP_INET4_CONNECT, BPF_CGROUP_UDP4_SENDMSG, BPF_CGROUP_UDP4_RECVMSG,
                      BPF_CGROUP_INET4_GETPEERNAME})
        LONGS_EQUAL(0, programsOn(n.cgroup->path(), type).size());
    STRCMP_EQUAL("connect: Network is unreachable", webThroughHooks(n).c_str());
    checkOk(n.dp().detachSocketHooks());  // twice is fine
}

TEST(SocketHooks, APathThatIsNotACgroupV2DirectoryIsRefused) {
    auto refused = n.dp().attachSocketHooks("/tmp");
    CHECK_FALSE(refused.ok());
    const std::string& message = refused.error().message;
    CHECK_TEXT(message.find("'/tmp' is not a cgroup v2 directory") != std::string::npos, message.c_str());
    CHECK_TEXT(message.find("[datapath] cgroup") != std::string::npos, message.c_str());
    // The hooks already attached stay where they were.
    for (const auto& hook : hooksOf(n.dp())) CHECK_TRUE(hook.attached && hook.current);
}

TEST(SocketHooks, NamespacesHaveDistinctCookies) {
    auto here = datapath::currentNetnsCookie();
    auto elsewhere = orFail([] { return ScopedNetns::create(); });
    std::optional<Result<std::uint64_t>> there;
    {
        EnterNetns inside(elsewhere);
        there.emplace(datapath::currentNetnsCookie());
    }
    CHECK_TRUE(here.ok() && there->ok());
    CHECK_TRUE(*here != 0 && **there != 0);
    CHECK_TRUE(*here != **there);
    auto again = datapath::currentNetnsCookie();
    CHECK_TRUE(again.ok() && *again == *here);
}
