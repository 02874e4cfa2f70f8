// nodeplanectl's entry point, apart from main() so tests can run it.
#pragma once

#include <ostream>
#include <span>
#include <string>

namespace nodeplane::ctl {

// Parses global options (anywhere on the line), runs the command, returns
// the exit code (command.h).
int runCli(std::span<const std::string> args, std::ostream& out, std::ostream& err);

}  // namespace nodeplane::ctl
