#include "common/input_error.h"

namespace nodeplane {

std::string InputError::toString() const {
    std::string out = file;
    if (line > 0) {
        out += ":" + std::to_string(line);
        if (column > 0) out += ":" + std::to_string(column);
    }
    out += ": ";
    if (!object.empty()) out += object + ": ";
    if (!key.empty()) out += "key '" + key + "': ";
    out += message;
    return out;
}

std::string formatInputErrors(const InputErrors& errors) {
    std::string out;
    for (const auto& e : errors) {
        if (!out.empty()) out += '\n';
        out += e.toString();
    }
    return out;
}

}  // namespace nodeplane
