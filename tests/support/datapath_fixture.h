// A node in miniature for packet tests: a private network namespace the test
// thread runs in (BPF_PROG_TEST_RUN resolves __sk_buff.ifindex there), veth
// pairs standing in for pod host ends and external interfaces, a private
// bpffs, and the real Datapath opened on it. Everything is torn down by the
// destructor, in reverse order, whatever the test did.
#pragma once

#include <optional>
#include <string>

#include "datapath/datapath.h"
#include "support/bpffs_mount.h"
#include "support/netns.h"

namespace nodeplane::test {

class DatapathFixture {
public:
    // Throws std::runtime_error when the environment cannot be built.
    explicit DatapathFixture(const datapath::Options& options = {});

    datapath::Datapath& datapath() { return *datapath_; }
    const ScopedNetns& netns() const { return netns_; }
    const std::string& bpffs() const { return bpffs_.path(); }

    // A veth pair `name` <-> `name`-p inside the namespace; the ifindex of `name`.
    int addInterface(const std::string& name);

private:
    ScopedNetns netns_;
    EnterNetns inside_;
    BpffsMount bpffs_;
    std::optional<datapath::Datapath> datapath_;
};

}  // namespace nodeplane::test
