// Reading the case files into case_model.h's values. Only what the harness
// uses is read; notes, provenance and upstream_reachability_calls are left in
// the file for people.
#include <fstream>

#include "case_model.h"
#include "json_fields.h"

namespace nodeplane::netpol {

using nlohmann::json;

int Model::podIndex(const std::string& id) const {
    for (std::size_t i = 0; i < pods.size(); ++i)
        if (pods[i].id == id) return static_cast<int>(i);
    return -1;
}

const Case* CaseSet::find(const std::string& id) const {
    for (const auto& c : cases)
        if (c.id == id) return &c;
    return nullptr;
}

namespace {

std::string indexed(const char* key, std::size_t i) { return std::string(key) + "[" + std::to_string(i) + "]"; }

Result<Model> readModel(const json& doc, const std::string& where) {
    auto raw = member(doc, "model", where);
    if (!raw) return raw.error();
    const std::string at = where + ": model";
    Model model;
    auto namespaces = arrayField(**raw, "namespaces", at);
    if (!namespaces) return namespaces.error();
    for (std::size_t i = 0; i < (*namespaces)->size(); ++i) {
        const std::string here = at + ": " + indexed("namespaces", i);
        auto name = stringField((**namespaces)[i], "name", here);
        if (!name) return name.error();
        auto labels = labelsField((**namespaces)[i], "labels", here);
        if (!labels) return labels.error();
        model.namespaces.push_back({*name, *labels});
    }
    auto pods = arrayField(**raw, "pods", at);
    if (!pods) return pods.error();
    for (std::size_t i = 0; i < (*pods)->size(); ++i) {
        const std::string here = at + ": " + indexed("pods", i);
        const json& p = (**pods)[i];
        auto id = stringField(p, "id", here);
        auto ns = stringField(p, "namespace", here);
        auto name = stringField(p, "name", here);
        auto labels = labelsField(p, "labels", here);
        if (!id) return id.error();
        if (!ns) return ns.error();
        if (!name) return name.error();
        if (!labels) return labels.error();
        if (*id != *ns + "/" + *name) return fieldError(here, "id", "'" + *id + "' is not '<namespace>/<name>'");
        if (model.podIndex(*id) >= 0) return fieldError(here, "id", "'" + *id + "' is listed twice");
        model.pods.push_back({*id, *ns, *name, *labels});
    }
    if (model.pods.empty()) return fieldError(at, "pods", "empty");
    return model;
}

Result<std::vector<Server>> readServers(const json& c, const std::string& where) {
    auto raw = arrayField(c, "servers", where);
    if (!raw) return raw.error();
    std::vector<Server> out;
    for (std::size_t i = 0; i < (*raw)->size(); ++i) {
        const std::string here = where + ": " + indexed("servers", i);
        auto name = stringField((**raw)[i], "name", here);
        auto port = portField((**raw)[i], "containerPort", here);
        auto protocol = stringField((**raw)[i], "protocol", here);
        if (!name) return name.error();
        if (!port) return port.error();
        if (!protocol) return protocol.error();
        out.push_back({*name, *port, *protocol});
    }
    return out;
}

// matrix[FROM][TO] for every pair of model pods: a missing cell would
// silently shrink what is graded, so it is an error.
Result<std::vector<std::vector<bool>>> readMatrix(const json& probe, const Model& model, const std::string& where) {
    auto raw = member(probe, "matrix", where);
    if (!raw) return raw.error();
    std::vector<std::vector<bool>> matrix(model.pods.size(), std::vector<bool>(model.pods.size()));
    for (std::size_t from = 0; from < model.pods.size(); ++from) {
        auto row = member(**raw, model.pods[from].id.c_str(), where + ": matrix");
        if (!row) return row.error();
        for (std::size_t to = 0; to < model.pods.size(); ++to) {
            const std::string here = where + ": matrix[" + model.pods[from].id + "]";
            auto cell = member(**row, model.pods[to].id.c_str(), here);
            if (!cell) return cell.error();
            if (!(*cell)->is_boolean()) return fieldError(here, model.pods[to].id, "expected true or false");
            matrix[from][to] = (*cell)->get<bool>();
        }
    }
    for (const auto& [from, row] : (*raw)->items()) {
        if (model.podIndex(from) < 0) return fieldError(where + ": matrix", from, "not a pod of the model");
        for (const auto& [to, cell] : row.items())
            if (model.podIndex(to) < 0) return fieldError(where + ": matrix[" + from + "]", to, "not a pod of the model");
    }
    return matrix;
}

Result<Step> readStep(const json& s, const Model& model, const std::string& caseWhere, std::size_t index) {
    Step step;
    auto number = intField(s, "step", caseWhere + ": " + indexed("steps", index));
    if (!number) return number.error();
    step.number = *number;
    const std::string where = caseWhere + " step " + std::to_string(step.number);
    if (step.number != static_cast<int>(index) + 1)
        return fieldError(where, "step", "expected " + std::to_string(index + 1) + " (steps are numbered from 1, in order)");
    if (auto d = s.find("description"); d != s.end() && d->is_string()) step.description = d->get<std::string>();
    auto actions = arrayField(s, "actions", where);
    if (!actions) return actions.error();
    for (const auto& a : **actions) step.actions.push_back(a);
    auto probes = arrayField(s, "probes", where);
    if (!probes) return probes.error();
    for (std::size_t i = 0; i < (*probes)->size(); ++i) {
        const std::string here = where + ": " + indexed("probes", i);
        const json& p = (**probes)[i];
        Probe probe;
        auto protocol = stringField(p, "protocol", here);
        if (!protocol) return protocol.error();
        if (*protocol != "TCP" && *protocol != "UDP" && *protocol != "SCTP")
            return fieldError(here, "protocol", "'" + *protocol + "' is not TCP, UDP or SCTP");
        auto port = portField(p, "port", here);
        if (!port) return port.error();
        auto matrix = readMatrix(p, model, here);
        if (!matrix) return matrix.error();
        step.probes.push_back({*protocol, *port, std::move(*matrix)});
    }
    return step;
}

Result<Case> readCase(const json& c, const Model& model, const std::string& fileWhere, std::size_t index) {
    Case out;
    auto id = stringField(c, "id", fileWhere + ": " + indexed("cases", index));
    if (!id) return id.error();
    out.id = *id;
    const std::string where = fileWhere + ": case " + out.id;
    auto name = stringField(c, "name", where);
    if (!name) return name.error();
    out.name = *name;
    auto servers = readServers(c, where);
    if (!servers) return servers.error();
    out.servers = std::move(*servers);
    auto steps = arrayField(c, "steps", where);
    if (!steps) return steps.error();
    if ((*steps)->empty()) return fieldError(where, "steps", "empty");
    for (std::size_t i = 0; i < (*steps)->size(); ++i) {
        auto step = readStep((**steps)[i], model, where, i);
        if (!step) return step.error();
        out.steps.push_back(std::move(*step));
    }
    return out;
}

bool sameModel(const Model& a, const Model& b) {
    if (a.namespaces.size() != b.namespaces.size() || a.pods.size() != b.pods.size()) return false;
    for (std::size_t i = 0; i < a.namespaces.size(); ++i)
        if (a.namespaces[i].name != b.namespaces[i].name || a.namespaces[i].labels != b.namespaces[i].labels) return false;
    for (std::size_t i = 0; i < a.pods.size(); ++i)
        if (a.pods[i].id != b.pods[i].id || a.pods[i].labels != b.pods[i].labels) return false;
    return true;
}

}  // namespace

Result<CaseSet> readCaseDocuments(const std::vector<json>& documents, const std::vector<std::string>& names) {
    CaseSet set;
    for (std::size_t f = 0; f < documents.size(); ++f) {
        const json& doc = documents[f];
        const std::string& where = names[f];
        if (f == 0 || doc.contains("model")) {
            auto model = readModel(doc, where);
            if (!model) return model.error();
            if (f == 0)
                set.model = std::move(*model);
            else if (!sameModel(set.model, *model))
                return fieldError(where, "model", "differs from the model of " + names[0]);
        }
        auto cases = arrayField(doc, "cases", where);
        if (!cases) return cases.error();
        for (std::size_t i = 0; i < (*cases)->size(); ++i) {
            auto c = readCase((**cases)[i], set.model, where, i);
            if (!c) return c.error();
            if (set.find(c->id)) return fieldError(where, "cases", "case id " + c->id + " is used twice");
            set.cases.push_back(std::move(*c));
        }
    }
    return set;
}

Result<CaseSet> loadCaseFiles(const std::vector<std::string>& paths) {
    std::vector<json> documents;
    for (const auto& path : paths) {
        std::ifstream in(path);
        if (!in) return Error::fromErrno(errno, "Failed to open " + path);
        json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
        if (doc.is_discarded()) return Error::logical(path + ": not valid JSON");
        documents.push_back(std::move(doc));
    }
    return readCaseDocuments(documents, paths);
}

}  // namespace nodeplane::netpol
