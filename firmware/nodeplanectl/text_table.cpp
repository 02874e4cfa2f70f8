#include "nodeplanectl/text_table.h"

#include <algorithm>

namespace nodeplane::ctl {
namespace {

std::string renderRow(const std::vector<Column>& columns, const std::vector<std::string>& cells,
                      const std::vector<size_t>& widths, size_t indent) {
    std::string line(indent, ' ');
    for (size_t c = 0; c < columns.size(); ++c) {
        const std::string& cell = c < cells.size() ? cells[c] : std::string();
        std::string padding(widths[c] - cell.size(), ' ');
        if (c > 0) line += "  ";
        line += columns[c].alignRight ? padding + cell : cell + padding;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    return line + '\n';
}

}  // namespace

std::string renderTable(const std::vector<Column>& columns, const std::vector<std::vector<std::string>>& rows,
                        size_t indent) {
    std::vector<size_t> widths;
    std::vector<std::string> titles;
    for (const Column& column : columns) {
        widths.push_back(column.title.size());
        titles.push_back(column.title);
    }
    for (const auto& row : rows)
        for (size_t c = 0; c < columns.size() && c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());

    std::string out = renderRow(columns, titles, widths, indent);
    for (const auto& row : rows) out += renderRow(columns, row, widths, indent);
    return out;
}

}  // namespace nodeplane::ctl
