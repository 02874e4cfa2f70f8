#include "daemon_events/process_cpu.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace nodeplane::bench {

double cpuSeconds(pid_t pid) {
    const std::string path = "/proc/" + std::to_string(pid) + "/stat";
    std::ifstream in(path);
    std::string stat;
    if (!std::getline(in, stat)) throw std::runtime_error("cannot read " + path);
    // The command name (field 2) may hold spaces: fields are counted from
    // the last ')'. After it come field 3 (state) ... 14 (utime), 15 (stime).
    const auto close = stat.rfind(')');
    if (close == std::string::npos) throw std::runtime_error("unexpected " + path);
    std::istringstream fields(stat.substr(close + 1));
    std::string skip;
    for (int field = 3; field < 14; ++field) fields >> skip;
    unsigned long long utime = 0, stime = 0;
    if (!(fields >> utime >> stime)) throw std::runtime_error("unexpected " + path);
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace nodeplane::bench
