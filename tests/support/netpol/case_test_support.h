// A two-pod model (x/a, y/a) and helpers to write small cases around it, for
// the renderer's unit tests.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "case_model.h"

namespace nodeplane::netpol::testing {

inline nlohmann::json tinyModel() {
    return nlohmann::json::parse(R"({
      "namespaces": [{"name": "x", "labels": {"ns": "x", "kubernetes.io/metadata.name": "x"}},
                     {"name": "y", "labels": {"ns": "y", "kubernetes.io/metadata.name": "y"}}],
      "pods": [{"id": "x/a", "namespace": "x", "name": "a", "labels": {"pod": "a"}},
               {"id": "y/a", "namespace": "y", "name": "a", "labels": {"pod": "a"}}]})");
}

// A TCP 80 probe; `denied` lists the "from->to" cells that are false.
inline nlohmann::json tinyProbe(const std::string& denied = "") {
    nlohmann::json matrix;
    for (const char* from : {"x/a", "y/a"})
        for (const char* to : {"x/a", "y/a"}) matrix[from][to] = denied.find(std::string(from) + "->" + to) == std::string::npos;
    return {{"protocol", "TCP"}, {"port", 80}, {"matrix", matrix}};
}

inline nlohmann::json tinyPolicy(const std::string& ns, const std::string& name, const char* specJson) {
    return {{"apiVersion", "networking.k8s.io/v1"}, {"kind", "NetworkPolicy"},
            {"metadata", {{"namespace", ns}, {"name", name}}}, {"spec", nlohmann::json::parse(specJson)}};
}

// A document with the tiny model and one case "t-1" made of `steps`.
inline nlohmann::json tinyDocument(const nlohmann::json& steps) {
    nlohmann::json c = {{"id", "t-1"}, {"name", "tiny"}, {"steps", steps},
                        {"servers", nlohmann::json::parse(R"([{"containerPort": 80, "protocol": "TCP", "name": "serve-80-tcp"}])")}};
    return {{"model", tinyModel()}, {"cases", nlohmann::json::array({c})}};
}

inline nlohmann::json tinyStep(int number, nlohmann::json actions, const std::string& denied = "") {
    return {{"step", number}, {"description", "step " + std::to_string(number)}, {"actions", std::move(actions)},
            {"probes", nlohmann::json::array({tinyProbe(denied)})}};
}

}  // namespace nodeplane::netpol::testing
