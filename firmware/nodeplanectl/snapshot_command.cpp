// nodeplanectl snapshot import [FILE...|-] [--node NAME] [--write PATH]:
// kubectl's JSON into a format-1 snapshot, on stdout or written atomically.
// It needs no daemon. (`--output` is nodeplanectl's global output format,
// hence `--write` for the file.)
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "nodeplanectl/command.h"
#include "nodeplanectl/snapshot_import.h"
#include "state/snapshot_writer.h"

namespace nodeplane::ctl {
namespace {

constexpr std::string_view kImportUsage = "snapshot import [FILE...|-] [--node NAME] [--write PATH]";

struct ImportOptions {
    std::vector<std::string> files;  // none: stdin
    std::optional<std::string> node;
    std::optional<std::string> write;
};

int usage(Context& context, const std::string& message) {
    context.err << "nodeplanectl: " << message << "\nUsage: nodeplanectl " << kImportUsage
                << "\nTry 'nodeplanectl --help'.\n";
    return kExitUsage;
}

// "--node NAME" or "--node=NAME"; false with `error` set when the value is missing.
bool takeOption(std::span<const std::string> args, std::size_t& i, std::string_view name,
                std::optional<std::string>& into, std::string& error) {
    const std::string& arg = args[i];
    if (arg.rfind(name, 0) != 0) return false;
    if (arg.size() > name.size() && arg[name.size()] == '=') {
        into = arg.substr(name.size() + 1);
    } else if (arg.size() == name.size() && i + 1 < args.size()) {
        into = args[++i];
    } else if (arg.size() == name.size()) {
        error = "option " + std::string(name) + " needs a value";
    } else {
        return false;
    }
    if (into && into->empty()) error = "option " + std::string(name) + " needs a value";
    return true;
}

std::optional<ImportOptions> parseImport(std::span<const std::string> args, std::string& error) {
    ImportOptions options;
    for (std::size_t i = 0; i < args.size() && error.empty(); ++i) {
        if (takeOption(args, i, "--node", options.node, error) || takeOption(args, i, "--write", options.write, error))
            continue;
        if (args[i].size() > 1 && args[i][0] == '-') {
            error = "unknown option '" + args[i] + "' for snapshot import";
            break;
        }
        options.files.push_back(args[i]);
    }
    if (!error.empty()) return std::nullopt;
    return options;
}

// Every input's text; "-" (or none) is stdin.
std::optional<std::vector<ImportInput>> readInputs(Context& context, const std::vector<std::string>& files) {
    std::vector<ImportInput> inputs;
    for (const auto& file : files.empty() ? std::vector<std::string>{"-"} : files) {
        std::ostringstream text;
        if (file == "-") {
            text << std::cin.rdbuf();
            inputs.push_back(ImportInput{"<stdin>", text.str()});
            continue;
        }
        std::ifstream in(file, std::ios::binary);
        if (in) text << in.rdbuf();
        if (!in || in.bad()) {
            context.err << "nodeplanectl: cannot read '" << file << "'\n";
            return std::nullopt;
        }
        inputs.push_back(ImportInput{file, text.str()});
    }
    return inputs;
}

int runImport(Context& context, std::span<const std::string> args) {
    std::string error;
    auto options = parseImport(args, error);
    if (!options) return usage(context, error);
    auto inputs = readInputs(context, options->files);
    if (!inputs) return kExitDaemonError;

    auto result = importSnapshot(*inputs, options->node);
    if (!result.ok()) {
        context.err << formatInputErrors(result.errors) << "\nnodeplanectl: the input was refused; nothing written\n";
        return kExitDaemonError;
    }
    if (!options->write) {
        context.out << result.snapshot;
        return kExitOk;
    }
    if (auto written = state::writeTextAtomically(*options->write, result.snapshot); !written) {
        context.err << "nodeplanectl: " << written.error().message << '\n';
        return kExitDaemonError;
    }
    return kExitOk;
}

int runSnapshot(Context& context, std::span<const std::string> args) {
    if (args.empty()) return usage(context, "snapshot needs a subcommand");
    if (args.front() != "import") return usage(context, "unknown snapshot subcommand '" + args.front() + "'");
    return runImport(context, args.subspan(1));
}

}  // namespace

// The synopsis stays short to keep --help's columns; the options are in the summary.
const Command kSnapshotCommand{"snapshot",
                               "[FILE...|-] [--node NAME] [--write PATH]: kubectl get -o json output as a "
                               "state snapshot (no daemon needed)",
                               &runSnapshot, "import"};

}  // namespace nodeplane::ctl
