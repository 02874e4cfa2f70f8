// A private bpf filesystem for one test: mounted on a fresh directory under
// /tmp, unmounted and removed by the destructor. The first mount moves the
// test process into its own mount namespace (with private propagation), so
// even a crashed test leaves no mount behind on the host, only at most an
// empty directory.
#pragma once

#include <string>

namespace nodeplane::test {

class BpffsMount {
public:
    // Throws std::runtime_error when it cannot mount.
    BpffsMount();
    ~BpffsMount();
    BpffsMount(const BpffsMount&) = delete;
    BpffsMount& operator=(const BpffsMount&) = delete;

    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace nodeplane::test
