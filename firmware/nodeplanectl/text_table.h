// Columns for text output, two spaces apart, numbers right-aligned, the way
// `ip` and `systemctl` print lists.
#pragma once

#include <string>
#include <vector>

namespace nodeplane::ctl {

struct Column {
    std::string title;
    bool alignRight = false;
};

// One line per row after a title line, each indented by `indent` spaces,
// without trailing blanks.
std::string renderTable(const std::vector<Column>& columns, const std::vector<std::vector<std::string>>& rows,
                        size_t indent = 2);

}  // namespace nodeplane::ctl
