#include "scratch_netns.h"

#include <CppUTest/TestHarness.h>
#include <sys/stat.h>

#include <sstream>
#include <stdexcept>
#include <vector>

#include "support/command.h"

namespace nodeplane::netlink::test {
namespace {

ino_t currentNetnsInode() {
    struct stat st {};
    if (::stat("/proc/thread-self/ns/net", &st) != 0) return 0;
    return st.st_ino;
}

std::vector<std::string> ipArgv(const std::string& args) {
    std::vector<std::string> argv{"ip"};
    std::istringstream words(args);
    for (std::string word; words >> word;) argv.push_back(word);
    return argv;
}

}  // namespace

std::unique_ptr<ScratchNetns> ScratchNetns::enter() {
    ino_t host = currentNetnsInode();
    std::unique_ptr<ScratchNetns> scratch(new ScratchNetns);
    std::string failure;
    try {
        scratch->netns_.emplace(nodeplane::test::ScopedNetns::create());
        scratch->inside_.emplace(*scratch->netns_);
    } catch (const std::exception& e) {
        failure = e.what();
    }
    if (!failure.empty()) FAIL(("cannot enter a scratch network namespace (root needed): " + failure).c_str());
    // Belt and braces: never run a root test where the host's network is.
    if (host == 0 || currentNetnsInode() == host) FAIL("still in the original network namespace");
    return scratch;
}

bool ScratchNetns::ip(const std::string& args) const {
    return nodeplane::test::runCommand(ipArgv(args), netns_->fd()).exitCode == 0;
}

void ScratchNetns::ipOrFail(const std::string& args) const {
    auto result = nodeplane::test::runCommand(ipArgv(args), netns_->fd());
    if (result.exitCode != 0) FAIL(("ip " + args + ": " + result.output).c_str());
}

std::string ScratchNetns::ipOutput(const std::string& args) const {
    return nodeplane::test::runCommand(ipArgv(args), netns_->fd()).output;
}

bool runUntil(sd_event* event, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        if (sd_event_run(event, 50 * 1000) < 0) return false;
    }
    return true;
}

}  // namespace nodeplane::netlink::test
