// loadConfig(): the main file, then PATH.d/*.toml over it in name order, then
// the defaults that depend on the host (the node name).
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>

#include "config/config.h"
#include "config/name_syntax.h"
#include "config/toml_document.h"

namespace nodeplane::config {
namespace {

// Like the kubelet, which registers the node under the lowercased host name
// when --hostname-override is not given.
Result<std::string> hostNodeName() {
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return Error::fromErrno(errno, "Failed to read the host name");
    std::string lowered(name);
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lowered;
}

// The drop-in files, or none when PATH.d does not exist.
std::vector<std::string> dropInFiles(const std::string& dir, InputErrors& errors) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 && errno == ENOENT) return {};
    auto files = listTomlFiles(dir);
    if (!files.ok()) {
        errors.push_back(InputError{dir, 0, 0, "", "", files.error().message});
        return {};
    }
    return std::move(files).value();
}

void applyFile(Config& config, const std::string& path, InputErrors& errors) {
    auto text = readTextFile(path, errors);
    if (!text) return;
    InputErrors found = applyConfigText(config, *text, path);
    errors.insert(errors.end(), found.begin(), found.end());
}

}  // namespace

ConfigLoadResult loadConfig(const std::string& path) {
    ConfigLoadResult result;
    Config& config = result.loaded.config;
    auto& files = result.loaded.files;

    applyFile(config, path, result.errors);
    files.push_back(path);
    // A broken main file does not stop the drop-ins from being checked: the
    // operator gets every error of the configuration in one go.
    for (auto& dropIn : dropInFiles(path + ".d", result.errors)) {
        applyFile(config, dropIn, result.errors);
        files.push_back(std::move(dropIn));
    }

    if (config.node.name.empty()) {
        auto name = hostNodeName();
        Status valid = name.ok() ? checkDnsSubdomain(*name) : Status(name.error());
        if (valid.ok())
            config.node.name = std::move(name).value();
        else
            result.errors.push_back(InputError{path, 0, 0, "[node]", "name",
                                               "not set, and the host name cannot be used: " +
                                                   valid.error().message});
    }

    if (!result.ok()) result.loaded = {};
    return result;
}

}  // namespace nodeplane::config
