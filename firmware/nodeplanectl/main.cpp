#include <iostream>
#include <string>
#include <vector>

#include "nodeplanectl/cli.h"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return nodeplane::ctl::runCli(args, std::cout, std::cerr);
}
