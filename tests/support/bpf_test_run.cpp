#include "support/bpf_test_run.h"

#include <algorithm>

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

namespace nodeplane::test {

namespace {
// Room for a program that grows the frame (encapsulation, later).
constexpr std::size_t kOutputHeadroomBytes = 256;
}

Result<TestRunResult> testRun(int progFd, const Bytes& frame, const SkbContext& ctx, std::uint32_t repeat) {
    __sk_buff skb{};
    skb.ifindex = ctx.ifindex;
    skb.ingress_ifindex = ctx.ingressIfindex;
    skb.mark = ctx.mark;

    TestRunResult result;
    result.output.resize(frame.size() + kOutputHeadroomBytes);

    // Filled by hand: LIBBPF_OPTS relies on GNU C extensions -Wpedantic rejects.
    bpf_test_run_opts opts{};
    opts.sz = sizeof(opts);
    opts.data_in = frame.data();
    opts.data_size_in = static_cast<std::uint32_t>(frame.size());
    opts.data_out = result.output.data();
    opts.data_size_out = static_cast<std::uint32_t>(result.output.size());
    opts.ctx_in = &skb;
    opts.ctx_size_in = sizeof(skb);
    opts.repeat = repeat;
    if (int err = ::bpf_prog_test_run_opts(progFd, &opts); err != 0)
        return Error::fromErrno(err, "BPF_PROG_TEST_RUN failed");
    result.output.resize(opts.data_size_out);
    result.retval = opts.retval;
    result.durationNs = opts.duration;
    return result;
}

Result<double> nsPerPacket(int progFd, const Bytes& frame, const SkbContext& ctx, std::uint32_t repeat) {
    if (repeat == 0) return Error::logical("nsPerPacket: repeat must be at least 1");
    auto run = testRun(progFd, frame, ctx, repeat);
    if (!run) return run.error();
    // The kernel reports the mean per run already, in whole nanoseconds.
    return static_cast<double>(run->durationNs);
}

Result<double> medianNsPerPacket(int progFd, const Bytes& frame, const SkbContext& ctx, std::uint32_t repeat,
                                 int rounds) {
    std::vector<double> ns;
    for (int i = 0; i < rounds; ++i) {
        auto one = nsPerPacket(progFd, frame, ctx, repeat);
        if (!one) return one.error();
        ns.push_back(*one);
    }
    return median(std::move(ns));
}

double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

const char* tcActionName(std::uint32_t action) {
    switch (static_cast<int>(action)) {
    case TC_ACT_OK: return "TC_ACT_OK";
    case TC_ACT_SHOT: return "TC_ACT_SHOT";
    case TC_ACT_REDIRECT: return "TC_ACT_REDIRECT";
    case TC_ACT_PIPE: return "TC_ACT_PIPE";
    case TC_ACT_STOLEN: return "TC_ACT_STOLEN";
    case TC_ACT_UNSPEC: return "TC_ACT_UNSPEC";
    default: return "unknown tc action";
    }
}

}  // namespace nodeplane::test
