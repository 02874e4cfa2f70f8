#include "common/rfc3339.h"

#include <cstdio>

namespace nodeplane {

std::string formatRfc3339Millis(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    auto ms = floor<milliseconds>(time);
    auto day = floor<days>(ms);
    year_month_day date{day};
    hh_mm_ss clock{ms - day};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                  static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
    return buf;
}

}  // namespace nodeplane
