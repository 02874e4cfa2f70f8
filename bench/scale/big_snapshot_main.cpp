// big-snapshot: writes the benchmark's big snapshot (scale/big_snapshot.h).
//   big-snapshot [--services 10000] [--endpoints 100000] [--node node]
//                [--extra-endpoint-on INDEX] [-o FILE]
// With -o the file is replaced atomically (written beside it, renamed), as
// a daemon watching it expects; without, the text goes to stdout.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "scale/big_snapshot.h"
#include "scale/snapshot_file.h"

using namespace nodeplane;
using namespace nodeplane::bench;

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: big-snapshot [--services N] [--endpoints N] [--node NAME] [--extra-endpoint-on INDEX] "
                 "[-o FILE]\n");
    return 2;
}

bool count(const char* text, std::uint32_t& out) {
    char* end = nullptr;
    unsigned long v = std::strtoul(text, &end, 10);
    if (end == text || *end != '\0' || v > 0xffffffffu) return false;
    out = static_cast<std::uint32_t>(v);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    BigSnapshotSpec spec;
    std::string output;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) return usage();
        const char* value = argv[++i];
        std::uint32_t n = 0;
        if (flag == "--services" && count(value, n))
            spec.services = n;
        else if (flag == "--endpoints" && count(value, n))
            spec.endpoints = n;
        else if (flag == "--extra-endpoint-on" && count(value, n))
            spec.extraEndpointOn = n;
        else if (flag == "--node")
            spec.node = value;
        else if (flag == "-o")
            output = value;
        else
            return usage();
    }
    auto text = renderBigSnapshot(spec);
    if (!text) {
        std::fprintf(stderr,
                     "big-snapshot: services must be 1..%u, endpoints at most %u, the extra endpoint's "
                     "service one of them\n",
                     kMaxBigServices, kMaxBigEndpoints);
        return 2;
    }
    if (output.empty()) {
        std::fwrite(text->data(), 1, text->size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
    }
    auto staged = stageSnapshot(output, *text);
    if (staged.ok()) staged = commitSnapshot(output);
    if (!staged) {
        std::fprintf(stderr, "big-snapshot: %s\n", staged.error().message.c_str());
        return 1;
    }
    return 0;
}
