// The NetworkPolicy case files (shared/cases/netpol-public.json and our own
// tests/e2e/netpol/netpol-own.json) as plain values: the 3 namespaces x 3 pods
// model, and per case its servers and steps. A step keeps its actions as the
// JSON objects they are (case_state.h applies them); its probes are parsed
// into the expected 9x9 matrix, rows and columns in the model's pod order.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace nodeplane::netpol {

using Labels = std::map<std::string, std::string>;

struct ModelNamespace {
    std::string name;
    Labels labels;
};

struct ModelPod {
    std::string id;  // "x/a"
    std::string namespace_;
    std::string name;
    Labels labels;
};

struct Model {
    std::vector<ModelNamespace> namespaces;
    std::vector<ModelPod> pods;  // the matrix order

    int podIndex(const std::string& id) const;  // -1 when unknown
};

// A container port every pod serves in a case ("serve-80-tcp", 80, "TCP").
struct Server {
    std::string name;
    std::uint16_t port = 0;
    std::string protocol;
};

struct Probe {
    std::string protocol;  // TCP, UDP or SCTP
    std::uint16_t port = 0;
    std::vector<std::vector<bool>> expected;  // [from][to], model pod order
};

struct Step {
    int number = 0;  // the case's own "step" (1-based)
    std::string description;
    std::vector<nlohmann::json> actions;
    std::vector<Probe> probes;
};

struct Case {
    std::string id;
    std::string name;
    std::vector<Server> servers;
    std::vector<Step> steps;
};

struct CaseSet {
    Model model;
    std::vector<Case> cases;  // file order, files in the order given

    const Case* find(const std::string& id) const;
};

// Reads the case files in order and merges them. The first file must hold the
// model; a later file may leave it out (ours does) or must repeat it exactly.
// Case ids are unique across files. Errors name file, case, step and field.
Result<CaseSet> loadCaseFiles(const std::vector<std::string>& paths);

// The same from already-parsed documents; `names` label them in errors.
Result<CaseSet> readCaseDocuments(const std::vector<nlohmann::json>& documents, const std::vector<std::string>& names);

}  // namespace nodeplane::netpol
