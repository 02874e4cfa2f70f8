// An error in operator input (configuration or snapshot): where it is and what
// is wrong, so the operator can go straight to the line.
#pragma once

#include <string>
#include <vector>

namespace nodeplane {

struct InputError {
    std::string file;
    int line = 0;    // 1-based; 0 when the error is about the file as a whole
    int column = 0;  // 1-based; 0 when unknown
    std::string object;  // "Service shop/web", "[health]"; empty for top-level keys
    std::string key;     // dotted path inside the object: "ports[0].targetPort"
    std::string message; // "unknown key", "expected an integer, got a string"

    // "state.toml:12:5: Service shop/web: key 'ports[0].port': 70000 is out of range 1-65535"
    std::string toString() const;
};

// All errors of one input, in file order. An input with any error is refused whole.
using InputErrors = std::vector<InputError>;

std::string formatInputErrors(const InputErrors& errors);

}  // namespace nodeplane
