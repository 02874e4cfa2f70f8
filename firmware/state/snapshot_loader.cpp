#include "state/snapshot_loader.h"

#include "config/toml_document.h"
#include "state/cross_validator.h"
#include "state/document_parser.h"
#include "state/snapshot_cache.h"

namespace nodeplane::state {

SnapshotLoadResult loadSnapshot(const std::string& path) {
    SnapshotCache cache;
    cache.load(path);
    return cache.release();
}

SnapshotLoadResult parseSnapshotText(const std::string& text, const std::string& fileName) {
    SnapshotLoadResult result;
    result.files = {fileName};
    ParsedSnapshot parsed;
    parseSnapshotText(text, fileName, parsed, result.errors);
    if (!parsed.incomplete) validateSnapshot(parsed, fileName, result.errors);
    config::sortInFileOrder(result.errors, result.files);
    if (result.ok()) result.model = std::move(parsed.model);
    return result;
}

}  // namespace nodeplane::state
