#include <CppUTest/TestHarness.h>

#include <sstream>
#include <vector>

#include "nodeplanectl/cli.h"
#include "nodeplanectl/conntrack_render.h"
#include "nodeplanectl/services_render.h"
#include "nodeplanectl/status_render.h"
#include "serve.h"
#include "served_daemon.h"

using nodeplane::bus::ControlServer;
using nodeplane::bus::test::sampleConntrack;
using nodeplane::bus::test::sampleServices;
using nodeplane::bus::test::sampleStatus;
using nodeplane::bus::test::ServedDaemon;
using nodeplane::bus::test::TempDir;
using nodeplane::bus::test::whileServing;

namespace {

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

Run runCli(std::vector<std::string> args) {
    std::ostringstream out, err;
    Run run;
    run.exitCode = nodeplane::ctl::runCli(args, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_GROUP(CliUsage){};

TEST(CliUsage, HelpListsEveryCommandAndExitsZero) {
    for (const char* flag : {"--help", "-h", "help"}) {
        Run run = runCli({flag});
        LONGS_EQUAL_TEXT(0, run.exitCode, flag);
        CHECK(contains(run.out, "Usage: nodeplanectl [--socket PATH | --system] [--output text|json] COMMAND"));
        CHECK(contains(run.out, "  status    "));
        CHECK(contains(run.out, "  reload    "));
        CHECK(contains(run.out, "  version   "));
        CHECK(contains(run.out, "  services  "));
        CHECK(contains(run.out, "  conntrack list|flush  show the tracked service flows (list), or forget them "));
        CHECK(contains(run.out, "3 the daemon cannot be reached"));
        STRCMP_EQUAL("", run.err.c_str());
    }
}

TEST(CliUsage, UsageErrorsExitTwoWithAReason) {
    struct Case {
        std::vector<std::string> args;
        const char* message;
    };
    const Case cases[] = {
        {{}, "no command given"},
        {{"frobnicate"}, "unknown command 'frobnicate'"},
        {{"--output", "yaml", "status"}, "unknown output format 'yaml' (text or json)"},
        {{"status", "--socket"}, "option --socket needs a value"},
        {{"-o"}, "option -o needs a value"},
        {{"--socket", "/x.sock", "--system", "status"}, "--socket and --system exclude each other"},
        {{"status", "now"}, "status takes no arguments, got 'now'"},
        {{"reload", "--force"}, "reload takes no arguments, got '--force'"},
        {{"services", "web"}, "services takes no arguments, got 'web'"},
        {{"conntrack"}, "conntrack needs a subcommand: list or flush"},
        {{"conntrack", "show"}, "unknown conntrack subcommand 'show' (list or flush)"},
        {{"conntrack", "flush", "all"}, "conntrack flush takes no arguments, got 'all'"},
        {{"-o", "json", "conntrack", "list", "--verbose"}, "conntrack list takes no arguments, got '--verbose'"},
    };
    for (const Case& c : cases) {
        Run run = runCli(c.args);
        LONGS_EQUAL_TEXT(2, run.exitCode, c.message);
        CHECK_TEXT(contains(run.err, c.message), run.err.c_str());
        CHECK_TEXT(contains(run.err, "Try 'nodeplanectl --help'."), run.err.c_str());
        STRCMP_EQUAL("", run.out.c_str());
    }
}

TEST(CliUsage, VersionInTextAndJson) {
    Run text = runCli({"version"});
    LONGS_EQUAL(0, text.exitCode);
    STRCMP_EQUAL("nodeplanectl " NODEPLANE_VERSION "\n", text.out.c_str());
    Run json = runCli({"version", "--output=json"});
    LONGS_EQUAL(0, json.exitCode);
    STRCMP_EQUAL("{\n  \"version\": \"" NODEPLANE_VERSION "\"\n}\n", json.out.c_str());
}

TEST(CliUsage, UnreachableDaemonExitsThreeAndNamesTheSocket) {
    TempDir dir;
    std::string missing = dir.path() + "/control.sock";
    const std::vector<std::vector<std::string>> commands = {
        {"status"}, {"reload"}, {"services"}, {"conntrack", "list"}, {"conntrack", "flush"}};
    for (auto args : commands) {
        const std::string command = args.front();
        args.insert(args.begin(), {"--socket", missing});
        Run run = runCli(args);
        LONGS_EQUAL_TEXT(3, run.exitCode, command.c_str());
        STRCMP_EQUAL(("nodeplanectl: Cannot reach nodeplaned at " + missing +
                      ": Cannot connect: No such file or directory\n")
                         .c_str(),
                     run.err.c_str());
    }
}

TEST_GROUP_BASE(CliAgainstDaemon, ServedDaemon) {
    std::string socketPath = dir.path() + "/control.sock";
    std::unique_ptr<ControlServer> server = start(socketPath);

    Run cli(std::vector<std::string> args) {
        return whileServing(event.get(), [&] { return runCli(args); });
    }
};

TEST(CliAgainstDaemon, StatusJsonIsTheRenderedStatus) {
    // Options after the command work as well as before it.
    Run run = cli({"status", "--socket=" + socketPath, "-o", "json"});
    STRCMP_EQUAL("", run.err.c_str());
    LONGS_EQUAL(0, run.exitCode);
    STRCMP_EQUAL((nodeplane::ctl::statusToJson(sampleStatus()).dump(2) + "\n").c_str(), run.out.c_str());
}

TEST(CliAgainstDaemon, StatusText) {
    Run run = cli({"--socket", socketPath, "status"});
    LONGS_EQUAL(0, run.exitCode);
    CHECK_TEXT(run.out.rfind("Node:     node-a\nPhase:    serving (healthy)\n", 0) == 0, run.out.c_str());
    CHECK(contains(run.out, "np_conntrack  lru_hash  131072/262144  50.0%"));
}

TEST(CliAgainstDaemon, StatusFailureInTheDaemonExitsOne) {
    handler.throwOnStatus = true;
    Run run = cli({"--socket", socketPath, "status"});
    LONGS_EQUAL(1, run.exitCode);
    STRCMP_EQUAL("nodeplanectl: GetStatus failed: Failed to collect the status: the map walker broke\n",
                 run.err.c_str());
    STRCMP_EQUAL("", run.out.c_str());
}

TEST(CliAgainstDaemon, ReloadAppliedExitsZero) {
    Run run = cli({"--socket", socketPath, "reload"});
    LONGS_EQUAL(0, run.exitCode);
    STRCMP_EQUAL("Reloaded: applied generation 8\n", run.out.c_str());
    Run json = cli({"--socket", socketPath, "--output", "json", "reload"});
    LONGS_EQUAL(0, json.exitCode);
    STRCMP_EQUAL("{\n  \"applied\": true,\n  \"message\": \"applied generation 9\"\n}\n", json.out.c_str());
}

TEST(CliAgainstDaemon, ReloadRefusedExitsOneWithTheReason) {
    handler.refuseWith = "state.toml:3:1: unknown key 'servics'";
    Run run = cli({"--socket", socketPath, "reload"});
    LONGS_EQUAL(1, run.exitCode);
    STRCMP_EQUAL(
        "nodeplanectl: reload refused, the daemon keeps its current state: state.toml:3:1: unknown key 'servics'\n",
        run.err.c_str());
    Run json = cli({"--socket", socketPath, "--output", "json", "reload"});
    LONGS_EQUAL(1, json.exitCode);
    STRCMP_EQUAL("{\n  \"applied\": false,\n  \"message\": \"state.toml:3:1: unknown key 'servics'\"\n}\n",
                 json.out.c_str());
    // And status reports the refusal afterwards.
    Run status = cli({"--socket", socketPath, "-o", "json", "status"});
    CHECK(contains(status.out, "\"lastError\": \"state.toml:3:1: unknown key 'servics'\""));
}

TEST(CliAgainstDaemon, ServicesTextAndJson) {
    Run text = cli({"--socket", socketPath, "services"});
    LONGS_EQUAL(0, text.exitCode);
    STRCMP_EQUAL(nodeplane::ctl::servicesToText(sampleServices()).c_str(), text.out.c_str());
    Run json = cli({"services", "--socket", socketPath, "--output=json"});
    LONGS_EQUAL(0, json.exitCode);
    STRCMP_EQUAL((nodeplane::ctl::servicesToJson(sampleServices()).dump(2) + "\n").c_str(), json.out.c_str());
}

TEST(CliAgainstDaemon, ConntrackListTextAndJson) {
    Run text = cli({"--socket", socketPath, "conntrack", "list"});
    LONGS_EQUAL(0, text.exitCode);
    STRCMP_EQUAL(nodeplane::ctl::conntrackToText(sampleConntrack()).c_str(), text.out.c_str());
    Run json = cli({"-o", "json", "conntrack", "--socket", socketPath, "list"});
    LONGS_EQUAL(0, json.exitCode);
    STRCMP_EQUAL((nodeplane::ctl::conntrackToJson(sampleConntrack()).dump(2) + "\n").c_str(), json.out.c_str());
}

TEST(CliAgainstDaemon, ConntrackFlushSaysHowManyWent) {
    Run text = cli({"--socket", socketPath, "conntrack", "flush"});
    LONGS_EQUAL(0, text.exitCode);
    STRCMP_EQUAL("Flushed 5 conntrack entries\n", text.out.c_str());
    Run json = cli({"--socket", socketPath, "--output", "json", "conntrack", "flush"});
    LONGS_EQUAL(0, json.exitCode);
    STRCMP_EQUAL("{\n  \"removed\": 0\n}\n", json.out.c_str());
    LONGS_EQUAL(2, handler.flushes);
    Run after = cli({"--socket", socketPath, "conntrack", "list"});
    STRCMP_EQUAL("No conntrack entries\n", after.out.c_str());
}

TEST(CliAgainstDaemon, ListingFailuresInTheDaemonExitOne) {
    handler.listingError = "Failed to read from np_conntrack_v2: Bad file descriptor";
    const std::vector<std::vector<std::string>> commands = {{"services"}, {"conntrack", "list"}, {"conntrack", "flush"}};
    for (auto args : commands) {
        args.insert(args.begin(), {"--socket", socketPath});
        Run run = cli(args);
        LONGS_EQUAL(1, run.exitCode);
        CHECK_TEXT(contains(run.err, ": Failed to read from np_conntrack_v2: Bad file descriptor\n"), run.err.c_str());
        STRCMP_EQUAL("", run.out.c_str());
    }
}
