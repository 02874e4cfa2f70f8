// nodeplanectl observe: follow the datapath's flows live, filtered, as text
// or JSON lines, until interrupted or --count flows have been shown.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "flowstream/flow_filter.h"
#include "nodeplanectl/command.h"
#include "nodeplanectl/observe_render.h"
#include "nodeplanectl/observe_stream.h"

namespace nodeplane::ctl {
namespace {

struct ObserveOptions {
    flowstream::FlowFilter filter;
    std::optional<std::uint64_t> count;  // stop after this many flows
};

int usage(Context& context, const std::string& message) {
    context.err << "nodeplanectl: " << message << "\nTry 'nodeplanectl --help'.\n";
    return kExitUsage;
}

bool isFilterFlag(std::string_view name) {
    return name == "namespace" || name == "pod" || name == "verdict" || name == "port" || name == "protocol" ||
           name == "direction";
}

// "--port 53" and "--port=53"; the global options are gone already.
std::optional<ObserveOptions> parse(std::span<const std::string> args, std::string& error) {
    ObserveOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) != 0) {
            error = "observe takes no arguments besides its options, got '" + arg + "'";
            return std::nullopt;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> value;
        if (auto equals = name.find('='); equals != std::string::npos) {
            value = name.substr(equals + 1);
            name.resize(equals);
        }
        if (name == "since-now") {
            if (value) {
                error = "--since-now takes no value";
                return std::nullopt;
            }
            options.filter.sinceNow = true;
            continue;
        }
        if (!isFilterFlag(name) && name != "count") {
            error = "unknown observe option '" + arg + "'";
            return std::nullopt;
        }
        if (!value) {
            if (i + 1 >= args.size()) {
                error = "option --" + name + " needs a value";
                return std::nullopt;
            }
            value = args[++i];
        }
        if (name == "count") {
            std::uint64_t count = 0;
            auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), count);
            if (ec != std::errc() || end != value->data() + value->size() || count == 0) {
                error = "--count takes a number of flows above 0, got '" + *value + "'";
                return std::nullopt;
            }
            options.count = count;
            continue;
        }
        if (auto added = flowstream::addFilter(options.filter, name, *value); !added) {
            error = added.error().message;
            return std::nullopt;
        }
    }
    return options;
}

// `--socket PATH` names the flow stream's socket for this command (it has
// no use for the control socket); otherwise [observe] socket's default.
std::string socketPath(const Context& context) {
    return context.target.socketPath != bus::kDefaultSocketPath ? context.target.socketPath
                                                                : kDefaultObserveSocketPath;
}

// A flow line as the daemon writes it (flowJsonLine: an object whose first
// key is "time"). In JSON output such a line is passed on as it came:
// parsing it only to print it again was nine tenths of the CLI's time, and
// made it the slowest link at 20000 flows/s (observe_load.sh).
bool isFlowLine(std::string_view line) { return line.starts_with("{\"time\":") && line.ends_with('}'); }

int stream(Context& context, ObserveStream& stream, const ObserveOptions& options) {
    std::uint64_t shown = 0;
    for (;;) {
        auto line = stream.nextLine();
        if (!line) {
            context.err << "nodeplanectl: " << line.error().message << '\n';
            return kExitDaemonError;
        }
        if (!*line) {
            context.out.flush();
            context.err << "nodeplanectl: the daemon closed the flow stream\n";
            return kExitDaemonError;
        }
        bool lost = false;
        if (context.output == OutputFormat::Json && isFlowLine(**line)) {
            context.out << **line << '\n';
        } else {
            auto json = nlohmann::json::parse(**line, nullptr, /*allow_exceptions=*/false);
            if (!json.is_object()) {
                context.err << "nodeplanectl: the daemon sent a line that is not JSON: " << **line << '\n';
                return kExitDaemonError;
            }
            if (json.contains("error")) {
                context.err << "nodeplanectl: the daemon refused the filter: " << json["error"].get<std::string>()
                            << '\n';
                return kExitDaemonError;
            }
            lost = json.contains("lost");
            if (context.output == OutputFormat::Json)
                context.out << **line << '\n';
            else if (lost)
                context.out << observeLostToText(json["lost"].get<std::uint64_t>()) << '\n';
            else
                context.out << observeFlowToText(json) << '\n';
        }
        if (!lost && options.count && ++shown >= *options.count) {
            context.out.flush();
            return kExitOk;
        }
        // Flushing per read, not per line, keeps up with thousands of flows a
        // second and still shows each one as soon as it came.
        if (!stream.lineBuffered()) context.out.flush();
    }
}

int runObserve(Context& context, std::span<const std::string> args) {
    std::string error;
    auto options = parse(args, error);
    if (!options) return usage(context, error);
    if (context.target.systemBus) return usage(context, "observe reads the flow stream socket; --system does not apply");
    const std::string path = socketPath(context);
    auto opened = ObserveStream::open(path, options->filter);
    if (!opened) {
        context.err << "nodeplanectl: " << opened.error().message << '\n';
        return kExitUnreachable;
    }
    return stream(context, *opened, *options);
}

}  // namespace

const Command kObserveCommand{
    "observe",
    "follow flows live (--namespace, --pod NS/NAME, --verdict, --port, --protocol, --direction; --count N, "
    "--since-now)",
    &runObserve, "[FILTERS]"};

}  // namespace nodeplane::ctl
