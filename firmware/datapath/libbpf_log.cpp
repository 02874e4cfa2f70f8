#include "datapath/libbpf_log.h"

#include <bpf/libbpf.h>
#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdio>
#include <string>

namespace nodeplane::datapath {

namespace {

int printToSpdlog(libbpf_print_level level, const char* format, va_list args) noexcept {
    // Verifier logs arrive as one long message, hence the sizing pass.
    va_list copy;
    va_copy(copy, args);
    int needed = std::vsnprintf(nullptr, 0, format, copy);
    va_end(copy);
    if (needed <= 0) return 0;
    std::string text(static_cast<std::size_t>(needed) + 1, '\0');
    std::vsnprintf(text.data(), text.size(), format, args);
    text.resize(static_cast<std::size_t>(needed));
    while (!text.empty() && text.back() == '\n') text.pop_back();
    // libbpf prefixes its own messages; ours says where they come from.
    if (text.rfind("libbpf: ", 0) == 0) text.erase(0, 8);

    // libbpf repeats the kernel's netlink explanation ("Parent Qdisc doesn't
    // exists") as a warning even where we expect the error (querying a bare
    // interface) and report real failures ourselves, with context.
    if (level == LIBBPF_WARN && text.rfind("Kernel error message:", 0) == 0) level = LIBBPF_DEBUG;

    switch (level) {
    case LIBBPF_WARN: spdlog::warn("libbpf: {}", text); break;
    case LIBBPF_INFO: spdlog::debug("libbpf: {}", text); break;
    case LIBBPF_DEBUG: spdlog::trace("libbpf: {}", text); break;
    }
    return needed;
}

}  // namespace

void routeLibbpfLogs() { ::libbpf_set_print(printToSpdlog); }

}  // namespace nodeplane::datapath
