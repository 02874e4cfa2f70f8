#include <CppUTest/TestHarness.h>

#include "nodeplanectl/text_table.h"

using nodeplane::ctl::renderTable;

TEST_GROUP(TextTable){};

TEST(TextTable, AlignsColumnsToTheWidestCell) {
    std::string table = renderTable({{"NAME"}, {"COUNT", true}, {"NOTE"}},
                                    {{"a", "1", "x"}, {"longer-name", "12345", ""}, {"b", "22", "last"}});
    STRCMP_EQUAL(
        "  NAME         COUNT  NOTE\n"
        "  a                1  x\n"
        "  longer-name  12345\n"
        "  b               22  last\n",
        table.c_str());
}

TEST(TextTable, MissingCellsAreBlankAndIndentIsKept) {
    std::string table = renderTable({{"A"}, {"B", true}}, {{"only-a"}}, 4);
    STRCMP_EQUAL(
        "    A       B\n"
        "    only-a\n",
        table.c_str());
}
