#include "datapath/grace_period.h"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace nodeplane::datapath {

Status waitForDatapathReaders() {
    // No glibc wrapper for membarrier(2) in Debian 12.
    if (::syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) != 0)
        return Error::fromErrno(errno, "Failed to wait for the datapath's readers (membarrier)");
    return {};
}

}  // namespace nodeplane::datapath
