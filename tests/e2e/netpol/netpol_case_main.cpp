// np-netpol-case: what the NetworkPolicy matrix harness (netpol_matrix.sh)
// needs from the case files, one question per call.
//
//   np-netpol-case --cases FILE [--cases FILE...] list
//       "<id> <steps>" per case, in file order
//   ... pods
//       the model's pod ids in matrix order
//   ... snapshot CASE STEP --placement FILE --node NODE
//       the snapshot objects NODE sees after STEP (see snapshot_render.h)
//   ... probes CASE STEP
//       "<protocol> <port> <81 digits>" per probe: expected[from][to], 1 =
//       connects, rows in pod order (the diagonal as the case has it; the
//       harness ignores it)
#include <algorithm>
#include <charconv>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "case_model.h"
#include "case_state.h"
#include "snapshot_render.h"

namespace {

using namespace nodeplane::netpol;
using nodeplane::Result;

constexpr const char* kUsage =
    "usage: np-netpol-case --cases FILE [--cases FILE...] list | pods | probes CASE STEP |\n"
    "       snapshot CASE STEP --placement FILE --node NODE\n";

struct Args {
    std::vector<std::string> caseFiles;
    std::vector<std::string> positional;  // command and its operands
    std::string placement;
    std::string node;
};

bool parseArgs(int argc, char** argv, Args& args) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        bool hasValue = i + 1 < argc;
        if (a == "--cases" && hasValue) args.caseFiles.push_back(argv[++i]);
        else if (a == "--placement" && hasValue) args.placement = argv[++i];
        else if (a == "--node" && hasValue) args.node = argv[++i];
        else if (a.starts_with("--")) return false;
        else args.positional.push_back(a);
    }
    return !args.caseFiles.empty() && !args.positional.empty();
}

int fail(const std::string& message) {
    std::cerr << "np-netpol-case: " << message << "\n";
    return 1;
}

// CASE and STEP operands: the case, and a step number that exists in it.
Result<std::pair<const Case*, int>> caseAndStep(const CaseSet& set, const Args& args) {
    if (args.positional.size() != 3) return nodeplane::Error::logical(kUsage);
    const Case* c = set.find(args.positional[1]);
    if (!c) return nodeplane::Error::logical("no case '" + args.positional[1] + "'");
    const std::string& text = args.positional[2];
    int step = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), step);
    if (ec != std::errc{} || end != text.data() + text.size()) step = 0;
    if (step < 1 || step > static_cast<int>(c->steps.size()))
        return nodeplane::Error::logical("case " + c->id + " has steps 1.." + std::to_string(c->steps.size()) +
                                         ", not '" + text + "'");
    return std::pair{c, step};
}

int printProbes(const Case& c, int step) {
    for (const auto& probe : c.steps[static_cast<std::size_t>(step - 1)].probes) {
        std::cout << probe.protocol << " " << probe.port << " ";
        for (const auto& row : probe.expected)
            for (bool cell : row) std::cout << (cell ? '1' : '0');
        std::cout << "\n";
    }
    return 0;
}

int printSnapshot(const CaseSet& set, const Case& c, int step, const Args& args) {
    if (args.placement.empty() || args.node.empty()) return fail("snapshot needs --placement FILE and --node NODE");
    std::ifstream in(args.placement);
    if (!in) return fail("cannot open " + args.placement);
    auto placements = readPlacements(in, args.placement);
    if (!placements) return fail(placements.error().message);
    auto state = stateAfterStep(set.model, c, step);
    if (!state) return fail(state.error().message);
    auto objects = renderSnapshotObjects({c, step, *state, *placements, args.node});
    if (!objects) return fail(objects.error().message);
    std::string description = c.steps[static_cast<std::size_t>(step - 1)].description;
    std::replace(description.begin(), description.end(), '\n', ' ');  // it goes in a comment line
    std::cout << "# " << c.id << " step " << step << ": " << description << "\n" << *objects;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    if (!parseArgs(argc, argv, args)) {
        std::cerr << kUsage;
        return 2;
    }
    auto set = loadCaseFiles(args.caseFiles);
    if (!set) return fail(set.error().message);
    const std::string& command = args.positional[0];
    if (command == "list" && args.positional.size() == 1) {
        for (const auto& c : set->cases) std::cout << c.id << " " << c.steps.size() << "\n";
        return 0;
    }
    if (command == "pods" && args.positional.size() == 1) {
        for (const auto& p : set->model.pods) std::cout << p.id << "\n";
        return 0;
    }
    if (command == "probes" || command == "snapshot") {
        auto at = caseAndStep(*set, args);
        if (!at) return fail(at.error().message);
        auto [c, step] = *at;
        return command == "probes" ? printProbes(*c, step) : printSnapshot(*set, *c, step, args);
    }
    std::cerr << kUsage;
    return 2;
}
