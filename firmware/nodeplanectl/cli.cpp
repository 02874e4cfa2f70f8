#include "nodeplanectl/cli.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "nodeplanectl/command.h"

namespace nodeplane::ctl {
namespace {

struct Options {
    bus::Target target;
    bool socketGiven = false;
    OutputFormat output = OutputFormat::Text;
    bool help = false;
    std::vector<std::string> positional;  // the command name and its arguments
};

void printHelp(std::ostream& out) {
    out << "Usage: nodeplanectl [--socket PATH | --system] [--output text|json] COMMAND\n"
           "\n"
           "Inspect and control the nodeplane daemon of this node.\n"
           "\n"
           "Commands:\n";
    auto synopsis = [](const Command& c) {
        return c.arguments.empty() ? std::string(c.name) : std::string(c.name) + " " + std::string(c.arguments);
    };
    std::size_t width = 0;
    for (const Command& command : commands()) width = std::max(width, synopsis(command).size());
    for (const Command& command : commands()) {
        std::string name = synopsis(command);
        name.resize(width + 2, ' ');
        out << "  " << name << command.summary << '\n';
    }
    out << "\n"
           "Options:\n"
           "  --socket PATH        the daemon's control socket (default "
        << bus::kDefaultSocketPath
        << ")\n"
           "  --system             reach the daemon as "
        << bus::kBusName
        << " on the system bus\n"
           "  -o, --output FORMAT  text (default) or json\n"
           "  -h, --help           show this help\n"
           "\n"
           "Exit status: 0 done, 1 the daemon reported an error, 2 usage error,\n"
           "3 the daemon cannot be reached.\n";
}

// "--socket PATH" and "--socket=PATH" both name the option.
bool isOption(const std::string& arg, std::string_view name) {
    return arg.rfind(name, 0) == 0 && (arg.size() == name.size() || arg[name.size()] == '=');
}

// The option's value, after '=' or in the next argument.
std::optional<std::string> takeValue(std::span<const std::string> args, size_t& i, std::string& error) {
    const std::string& arg = args[i];
    if (auto equals = arg.find('='); equals != std::string::npos) return arg.substr(equals + 1);
    if (i + 1 >= args.size()) {
        error = "option " + arg + " needs a value";
        return std::nullopt;
    }
    return args[++i];
}

// Global options may stand before or after the command; "--" ends them.
std::optional<Options> parseOptions(std::span<const std::string> args, std::string& error) {
    Options options;
    bool optionsEnded = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (optionsEnded || arg.size() < 2 || arg[0] != '-') {
            options.positional.push_back(arg);
        } else if (arg == "--") {
            optionsEnded = true;
        } else if (arg == "-h" || arg == "--help") {
            options.help = true;
        } else if (arg == "--system") {
            options.target.systemBus = true;
        } else if (isOption(arg, "--socket")) {
            auto path = takeValue(args, i, error);
            if (!path) return std::nullopt;
            options.target.socketPath = *path;
            options.socketGiven = true;
        } else if (isOption(arg, "--output") || isOption(arg, "-o")) {
            auto format = takeValue(args, i, error);
            if (!format) return std::nullopt;
            if (*format == "text") {
                options.output = OutputFormat::Text;
            } else if (*format == "json") {
                options.output = OutputFormat::Json;
            } else {
                error = "unknown output format '" + *format + "' (text or json)";
                return std::nullopt;
            }
        } else {
            // Not a global option: the command decides (none takes options yet).
            options.positional.push_back(arg);
        }
    }
    if (options.target.systemBus && options.socketGiven) {
        error = "--socket and --system exclude each other";
        return std::nullopt;
    }
    return options;
}

const Command* findCommand(std::string_view name) {
    for (const Command& command : commands())
        if (command.name == name) return &command;
    return nullptr;
}

int usageError(std::ostream& err, const std::string& message) {
    err << "nodeplanectl: " << message << "\nTry 'nodeplanectl --help'.\n";
    return kExitUsage;
}

}  // namespace

int runCli(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
    std::string error;
    auto options = parseOptions(args, error);
    if (!options) return usageError(err, error);
    if (options->help || (!options->positional.empty() && options->positional.front() == "help")) {
        printHelp(out);
        return kExitOk;
    }
    if (options->positional.empty()) return usageError(err, "no command given");

    const std::string& name = options->positional.front();
    const Command* command = findCommand(name);
    if (!command) return usageError(err, "unknown command '" + name + "'");
    Context context{options->target, options->output, out, err};
    return command->run(context, std::span<const std::string>(options->positional).subspan(1));
}

}  // namespace nodeplane::ctl
