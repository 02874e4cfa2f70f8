#include "support/bpffs_mount.h"

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace nodeplane::test {

namespace {

// Best effort: unshare(CLONE_NEWNS) fails in a multi-threaded process, and
// then the destructor's cleanup is what keeps the host clean.
void isolateMountsOnce() {
    static bool done = false;
    if (done) return;
    done = true;
    if (::unshare(CLONE_NEWNS) != 0) return;
    ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
}

}  // namespace

BpffsMount::BpffsMount() {
    isolateMountsOnce();
    char dir[] = "/tmp/np-bpftest-XXXXXX";
    if (::mkdtemp(dir) == nullptr) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    if (::mount("bpf", dir, "bpf", 0, "mode=0700") != 0) {
        int err = errno;
        ::rmdir(dir);
        throw std::runtime_error(std::string("mount -t bpf on ") + dir + ": " + std::strerror(err));
    }
    path_ = dir;
}

BpffsMount::~BpffsMount() {
    // Detach: a test that still holds an fd below must not keep the mount.
    ::umount2(path_.c_str(), MNT_DETACH);
    ::rmdir(path_.c_str());
}

}  // namespace nodeplane::test
