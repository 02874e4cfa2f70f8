// libbpf's own messages (verifier logs, pin reuse, attach failures) into our
// log instead of bare stderr, so they reach the journal with the rest.
#pragma once

namespace nodeplane::datapath {

// Process-wide (libbpf has one print hook). Warnings stay warnings; info
// becomes debug and debug becomes trace, because libbpf is chatty. The
// kernel's netlink explanations become debug: our callers report failures.
void routeLibbpfLogs();

}  // namespace nodeplane::datapath
