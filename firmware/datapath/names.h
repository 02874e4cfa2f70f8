// Human names of the ABI's enums, as nodeplanectl and logs print them.
#pragma once

#include <string_view>

#include "datapath/abi.h"

namespace nodeplane::datapath {

// "forwarded_local", "to_stack", ...; empty for a number no stat uses.
std::string_view statName(np_stat stat);

// "malformed", "spoofed_source", ...; empty for a number no reason uses.
std::string_view dropReasonName(np_drop_reason reason);

}  // namespace nodeplane::datapath
