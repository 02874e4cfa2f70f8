// big-snapshot: writes the benchmark's big snapshot (scale/big_snapshot.h).
//   big-snapshot [--services 10000] [--endpoints 100000] [--node node]
//                [--extra-endpoint-on INDEX] [--split PARTS] [-o FILE|DIR]
// With -o the file is replaced atomically (written beside it, renamed), as
// a daemon watching it expects; without, the text goes to stdout. With
// --split the snapshot is a directory (-o DIR, created if missing): the
// node's file and PARTS files of services, each replaced atomically.
#include <sys/stat.h>

#include <cerrno>
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
                 "[--split PARTS] [-o FILE|DIR]\n");
    return 2;
}

Status writeFile(const std::string& path, const std::string& text) {
    auto staged = stageSnapshot(path, text);
    if (staged.ok()) staged = commitSnapshot(path);
    return staged;
}

// The directory layout: kBigNodeFile and the parts.
Status writeSplit(const BigSnapshotSpec& spec, std::uint32_t parts, const std::string& dir) {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        return Error::fromErrno(errno, "Failed to create '" + dir + "'");
    if (auto st = writeFile(dir + "/" + kBigNodeFile, *renderBigNodeFile(spec)); !st) return st;
    for (std::uint32_t p = 0; p < parts; ++p)
        if (auto st = writeFile(dir + "/" + bigPartFileName(p), *renderBigPart(spec, parts, p)); !st) return st;
    return {};
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
    std::uint32_t parts = 0;
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
        else if (flag == "--split" && count(value, n) && n > 0)
            parts = n;
        else if (flag == "--node")
            spec.node = value;
        else if (flag == "-o")
            output = value;
        else
            return usage();
    }
    if (parts) {
        if (output.empty() || !renderBigPart(spec, parts, 0)) {
            std::fprintf(stderr, "big-snapshot: --split needs -o DIR and 1..min(services, %u) parts of a valid spec\n",
                         kMaxBigParts);
            return 2;
        }
        auto written = writeSplit(spec, parts, output);
        if (!written) std::fprintf(stderr, "big-snapshot: %s\n", written.error().message.c_str());
        return written ? 0 : 1;
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
    auto staged = writeFile(output, *text);
    if (!staged) {
        std::fprintf(stderr, "big-snapshot: %s\n", staged.error().message.c_str());
        return 1;
    }
    return 0;
}
