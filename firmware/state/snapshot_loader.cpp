#include "state/snapshot_loader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "config/toml_document.h"
#include "state/cross_validator.h"
#include "state/document_parser.h"

namespace nodeplane::state {
namespace {

void parseInto(const std::string& text, const std::string& fileName, ParsedSnapshot& parsed, InputErrors& errors) {
    auto document = config::parseToml(text, fileName, errors);
    if (!document) {
        parsed.incomplete = true;
        return;
    }
    config::ErrorSink sink{fileName, errors};
    parseSnapshotDocument(*document, sink, parsed);
}

// Cross-object checks over everything read, then the verdict: a model only
// when nothing at all was wrong.
SnapshotLoadResult finish(ParsedSnapshot& parsed, const std::string& input, SnapshotLoadResult result) {
    if (!parsed.incomplete) validateSnapshot(parsed, input, result.errors);
    config::sortInFileOrder(result.errors, result.files);
    if (result.ok()) result.model = std::move(parsed.model);
    return result;
}

}  // namespace

SnapshotLoadResult loadSnapshot(const std::string& path) {
    SnapshotLoadResult result;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        result.errors.push_back(InputError{path, 0, 0, "", "", std::string("cannot read: ") + std::strerror(errno)});
        return result;
    }
    if (S_ISDIR(st.st_mode)) {
        auto files = config::listTomlFiles(path);
        if (!files.ok()) {
            result.errors.push_back(InputError{path, 0, 0, "", "", files.error().message});
            return result;
        }
        if (files->empty()) {
            result.errors.push_back(InputError{path, 0, 0, "", "", "no *.toml files in this directory"});
            return result;
        }
        result.files = std::move(files).value();
    } else {
        result.files = {path};
    }

    ParsedSnapshot parsed;
    for (const auto& file : result.files) {
        ParsedSnapshot one;
        if (auto text = config::readTextFile(file, result.errors))
            parseInto(*text, file, one, result.errors);
        else
            one.incomplete = true;
        parsed.append(std::move(one));
    }
    return finish(parsed, path, std::move(result));
}

SnapshotLoadResult parseSnapshotText(const std::string& text, const std::string& fileName) {
    SnapshotLoadResult result;
    result.files = {fileName};
    ParsedSnapshot parsed;
    parseInto(text, fileName, parsed, result.errors);
    return finish(parsed, fileName, std::move(result));
}

}  // namespace nodeplane::state
