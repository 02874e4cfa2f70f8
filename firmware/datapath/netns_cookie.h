// The network namespace cookie: the kernel's 64-bit name for a namespace,
// the same number bpf_get_netns_cookie() gives the socket hooks.
#pragma once

#include <cstdint>

#include "common/result.h"

namespace nodeplane::datapath {

// The cookie of the calling thread's network namespace, read with
// getsockopt(SO_NETNS_COOKIE) (Linux 5.14) on a socket made for the purpose.
Result<std::uint64_t> currentNetnsCookie();

}  // namespace nodeplane::datapath
