#include "daemon_events/bench_node.h"

#include <bpf/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/command.h"

namespace nodeplane::bench {
namespace {

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

// Everything in the scratch directory; the policy log as in production
// (denials logged, 500 records a second at most) but to a file only.
std::string configText(const std::string& dir, const std::string& bpffs, std::uint32_t wakeupBytes) {
    std::ostringstream c;
    c << "[node]\nname = \"bench-node\"\n\n"
      << "[state]\nsource = \"snapshot\"\nsnapshot = \"" << dir << "/state.toml\"\n\n"
      << "[datapath]\nbpffs = \"" << bpffs << "\"\n"
      << "# Socket hooks off: never the host's cgroup.\ncgroup = \"\"\n\n"
      << "[health]\nlisten = \"127.0.0.1:10256\"\n\n"
      << "[lifecycle]\ndrain-seconds = 0\ndrain-marker = \"" << dir << "/drained\"\nshutdown-inhibitor = false\n\n"
      << "[control]\nsocket = \"" << dir << "/control.sock\"\nsystem-bus = false\n\n"
      << "[observe]\nsocket = \"" << dir << "/observe.sock\"\nwakeup-bytes = " << wakeupBytes << "\n\n"
      << "[metrics]\nlisten = \"" << kMetricsHost << ":" << kMetricsPort << "\"\n\n"
      << "[policy-logging]\nfile = \"" << dir << "/policy_action.log\"\njournal = false\n\n"
      << "[policy-logging.deny]\nlog = true\n\n"
      << "[log]\nlevel = \"info\"\n";
    return c.str();
}

std::string snapshotText() {
    std::ostringstream s;
    s << "format = 1\nnode = \"bench-node\"\n\n"
      << "[[nodes]]\nname = \"bench-node\"\naddresses = [\"10.99.0.1\"]\npodCIDRs = [\"10.200.1.0/24\"]\n\n"
      << "[[namespaces]]\nname = \"bench\"\nlabels = { \"kubernetes.io/metadata.name\" = \"bench\" }\n\n";
    for (const auto& [name, ip] : {std::pair{"a", kPodAIp}, std::pair{"b", kPodBIp}})
        s << "[[pods]]\nnamespace = \"bench\"\nname = \"" << name << "\"\nnodeName = \"bench-node\"\npodIPs = [\"" << ip
          << "\"]\nlabels = { pod = \"" << name << "\" }\ninterface = \"np-" << name << "\"\n\n";
    s << "[[networkPolicies]]\nnamespace = \"bench\"\nname = \"b-from-a\"\n"
      << "podSelector = { matchLabels = { pod = \"b\" } }\npolicyTypes = [\"Ingress\"]\n\n"
      << "  [[networkPolicies.ingress]]\n  ports = [{ protocol = \"TCP\", port = 8080 }]\n\n"
      << "    [[networkPolicies.ingress.from]]\n    podSelector = { matchLabels = { pod = \"a\" } }\n";
    return s.str();
}

}  // namespace

ScratchDir::ScratchDir() {
    char dir[] = "/tmp/np-daemon-events-XXXXXX";
    if (::mkdtemp(dir) == nullptr) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    path_ = dir;
}

ScratchDir::~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

BenchNode::BenchNode(const std::string& nodeplaned, std::uint32_t wakeupBytes)
    : netns_(test::ScopedNetns::create()), inside_(netns_) {
    // No IPv6 chatter (router solicitations, DAD) from the veths: every
    // record in the ring is one the benchmark wrote.
    test::runOrThrow({"sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"}, netns_.fd());
    test::runOrThrow({"sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"}, netns_.fd());
    test::addVethPair(netns_, "np-a", "np-a-p");
    podB_ = test::addVethPair(netns_, "np-b", "np-b-p");

    const std::string dir = dir_.path();
    writeFile(dir + "/state.toml", snapshotText());
    writeFile(dir + "/nodeplane.toml", configText(dir, bpffsDir(), wakeupBytes));
    daemon_.emplace(nodeplaned, dir + "/nodeplane.toml", netns_.fd(), dir + "/daemon.log");
}

BenchNode::~BenchNode() { daemon_.reset(); }

UniqueFd BenchNode::openPinnedProgram(const std::string& name) const {
    const std::string path = bpffsDir() + "/progs/" + name;
    UniqueFd fd(::bpf_obj_get(path.c_str()));
    if (!fd.valid()) throw std::runtime_error("cannot open the pinned program " + path + ": " + std::strerror(errno));
    return fd;
}

std::string BenchNode::daemonLogTail() const {
    std::ifstream in(dir_.path() + "/daemon.log");
    std::string line;
    std::string tail[8];
    std::size_t n = 0;
    while (std::getline(in, line)) tail[n++ % 8] = line;
    std::string out;
    for (std::size_t i = n > 8 ? n - 8 : 0; i < n; ++i) out += "\n  " + tail[i % 8];
    return out;
}

}  // namespace nodeplane::bench
