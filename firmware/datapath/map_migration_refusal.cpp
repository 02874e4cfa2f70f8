#include "datapath/map_migration_refusal.h"

#include <cerrno>
#include <string_view>

namespace nodeplane::datapath {

namespace {

// errnum and the opening words together mark a refusal; EPROTO because the
// pinned maps are a protocol between two versions that do not agree.
constexpr int kRefusalErrno = EPROTO;
constexpr std::string_view kOpening = "Refusing to adopt the pinned datapath under '";

}  // namespace

Error layoutRefusal(const std::string& bpffs, const std::string& why) {
    std::string message(kOpening);
    message += bpffs + "': " + why +
               ". Nothing was changed: the pinned datapath keeps forwarding as it is. "
               "To go on, roll back to the version that pinned it, or stop nodeplaned, run "
               "'nodeplanectl teardown' (this interrupts forwarding until the new datapath is attached) "
               "and start it again";
    return Error{kRefusalErrno, std::move(message)};
}

bool isLayoutRefusal(const Error& error) {
    return error.errnum == kRefusalErrno && std::string_view(error.message).starts_with(kOpening);
}

}  // namespace nodeplane::datapath
