#include "config/toml_document.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <tuple>

#include "common/unique_fd.h"

namespace nodeplane::config {
namespace {

void cannotRead(const std::string& path, int errnum, InputErrors& errors) {
    errors.push_back(InputError{path, 0, 0, "", "", std::string("cannot read: ") + std::strerror(errnum)});
}

}  // namespace

std::optional<std::string> readTextFile(const std::string& path, InputErrors& errors) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
        cannotRead(path, errno, errors);
        return std::nullopt;
    }
    std::string text;
    char buffer[16384];
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            cannotRead(path, errno, errors);
            return std::nullopt;
        }
        if (n == 0) return text;
        text.append(buffer, static_cast<std::size_t>(n));
    }
}

std::optional<toml::table> parseToml(const std::string& text, const std::string& fileName,
                                     InputErrors& errors) {
    try {
        return toml::parse(std::string_view(text), std::string_view(fileName));
    } catch (const toml::parse_error& e) {
        const auto& at = e.source().begin;
        errors.push_back(InputError{fileName, static_cast<int>(at.line), static_cast<int>(at.column), "", "",
                                    std::string(e.description())});
        return std::nullopt;
    }
}

Result<std::vector<std::string>> listTomlFiles(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) return Error::fromErrno(ec.value(), "Failed to list '" + dir + "'");
    std::vector<std::string> names;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        std::string name = it->path().filename().string();
        bool toml = name.size() > 5 && name.ends_with(".toml") && name.front() != '.';
        std::error_code statError;
        if (toml && it->is_regular_file(statError)) names.push_back(std::move(name));
    }
    if (ec) return Error::fromErrno(ec.value(), "Failed to list '" + dir + "'");
    std::sort(names.begin(), names.end());
    std::vector<std::string> paths;
    paths.reserve(names.size());
    for (auto& name : names) paths.push_back((fs::path(dir) / name).string());
    return paths;
}

void sortInFileOrder(InputErrors& errors, const std::vector<std::string>& files) {
    auto rank = [&files](const InputError& e) {
        auto it = std::find(files.begin(), files.end(), e.file);
        return std::tuple(it - files.begin(), e.line, e.column);
    };
    std::stable_sort(errors.begin(), errors.end(),
                     [&rank](const InputError& a, const InputError& b) { return rank(a) < rank(b); });
}

}  // namespace nodeplane::config
