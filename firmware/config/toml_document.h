// Getting operator input from disk into a TOML tree: whole files, syntax
// errors as InputErrors at their position, and the *.toml files of a
// directory in the order they are merged.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <vector>

#include "common/input_error.h"
#include "common/result.h"

namespace nodeplane::config {

// The whole file, or nullopt with "cannot read: <reason>" added to `errors`.
std::optional<std::string> readTextFile(const std::string& path, InputErrors& errors);

// The document, or nullopt with its (first) syntax error added to `errors`:
// after a syntax error nothing more of the file can be trusted.
std::optional<toml::table> parseToml(const std::string& text, const std::string& fileName,
                                     InputErrors& errors);

// "dir/name" of each regular file (symlinks followed) in `dir` whose name ends
// in ".toml" and does not start with '.', sorted bytewise by name so that
// "10-site.toml" is merged after "00-image.toml" in every locale.
Result<std::vector<std::string>> listTomlFiles(const std::string& dir);

// Orders errors as a reader meets them: by file (in the order of `files`;
// errors about other paths last), then line, then column. Stable, so errors
// at one position keep the order they were found in.
void sortInFileOrder(InputErrors& errors, const std::vector<std::string>& files);

}  // namespace nodeplane::config
