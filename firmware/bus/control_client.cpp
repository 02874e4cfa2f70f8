#include "bus/control_client.h"

#include <cstring>

#include "bus/bus_address.h"
#include "bus/drain_codec.h"
#include "bus/listing_codec.h"
#include "bus/message_strings.h"
#include "bus/policy_codec.h"
#include "bus/status_codec.h"

namespace nodeplane::bus {
namespace {

// How long a daemon may take to answer a ping before it counts as unreachable,
// and any other call before it counts as failed (a reload applies a whole state).
constexpr std::uint64_t kPingTimeoutUsec = 5'000'000;
constexpr std::uint64_t kCallTimeoutUsec = 60'000'000;

std::string describeError(int r, const BusError& error) {
    if (error.isSet()) return error.message()[0] ? error.message() : error.name();
    return std::strerror(-r);
}

// One argument-less call on the daemon's object; a negative errno on failure
// with `error` set when the daemon answered with an error.
int callMethod(sd_bus* bus, const char* destination, const char* interface, const char* member,
               std::uint64_t timeoutUsec, BusError& error, MessagePtr& reply, const char* stringArgument = nullptr) {
    sd_bus_message* raw = nullptr;
    int r = sd_bus_message_new_method_call(bus, &raw, destination, kObjectPath, interface, member);
    if (r < 0) return r;
    MessagePtr call(raw);
    if (stringArgument && (r = sd_bus_message_append(call.get(), "s", stringArgument)) < 0) return r;
    sd_bus_message* answer = nullptr;
    r = sd_bus_call(bus, call.get(), timeoutUsec, error.get(), &answer);
    reply.reset(answer);
    return r;
}

Result<BusPtr> openBus(const Target& target) {
    sd_bus* raw = nullptr;
    if (target.systemBus) {
        int r = sd_bus_open_system(&raw);
        if (r < 0) return Error::fromErrno(r, "Cannot connect to the system bus");
        return BusPtr(raw);
    }
    int r = sd_bus_new(&raw);
    if (r < 0) return Error::fromErrno(r, "sd_bus_new");
    BusPtr bus(raw);
    if ((r = sd_bus_set_address(raw, unixSocketAddress(target.socketPath).c_str())) < 0)
        return Error::fromErrno(r, "Invalid socket path");
    if ((r = sd_bus_start(raw)) < 0) return Error::fromErrno(r, "Cannot connect");
    return bus;
}

}  // namespace

std::string Target::describe() const {
    return systemBus ? std::string(kBusName) + " on the system bus" : socketPath;
}

Result<ControlClient> ControlClient::connect(const Target& target) {
    const std::string where = "Cannot reach nodeplaned at " + target.describe();
    auto bus = openBus(target);
    if (!bus) return Error{bus.error().errnum, where + ": " + bus.error().message};
    const char* destination = target.systemBus ? kBusName : nullptr;

    // sd-bus answers the peer interface itself: a reply proves the socket
    // accepts, authentication passed and the daemon's loop runs.
    BusError error;
    MessagePtr reply;
    int r = callMethod(bus->get(), destination, "org.freedesktop.DBus.Peer", "Ping", kPingTimeoutUsec, error, reply);
    if (r < 0) return Error{-r, where + ": " + describeError(r, error)};
    return ControlClient(std::move(bus).value(), destination);
}

Result<NodeStatus> ControlClient::status() {
    BusError error;
    MessagePtr reply;
    int r = callMethod(bus_.get(), destination_, kInterface, "GetStatus", kCallTimeoutUsec, error, reply);
    if (r < 0) return Error{-r, "GetStatus failed: " + describeError(r, error)};
    return readStatus(reply.get());
}

Result<ReloadOutcome> ControlClient::reload() {
    BusError error;
    MessagePtr reply;
    int r = callMethod(bus_.get(), destination_, kInterface, "Reload", kCallTimeoutUsec, error, reply);
    if (r < 0) {
        if (error.hasName(kErrorReloadRefused)) return ReloadOutcome{false, error.message()};
        return Error{-r, "Reload failed: " + describeError(r, error)};
    }
    const char* message = nullptr;
    if ((r = sd_bus_message_read(reply.get(), "s", &message)) < 0)
        return Error::fromErrno(r, "Failed to read the Reload reply");
    return ReloadOutcome{true, message};
}

Result<std::vector<ServiceRecord>> ControlClient::services() {
    BusError error;
    MessagePtr reply;
    int r = callMethod(bus_.get(), destination_, kInterface, "ListServices", kCallTimeoutUsec, error, reply);
    if (r < 0) return Error{-r, "ListServices failed: " + describeError(r, error)};
    return readServices(reply.get());
}

Result<ConntrackListing> ControlClient::conntrack() {
    BusError error;
    MessagePtr reply;
    int r = callMethod(bus_.get(), destination_, kInterface, "ListConntrack", kCallTimeoutUsec, error, reply);
    if (r < 0) return Error{-r, "ListConntrack failed: " + describeError(r, error)};
    return readConntrack(reply.get());
}

Result<std::uint64_t> ControlClient::flushConntrack() {
    BusError error;
    MessagePtr reply;
    int r = callMethod(bus_.get(), destination_, kInterface, "FlushConntrack", kCallTimeoutUsec, error, reply);
    if (r < 0) return Error{-r, "FlushConntrack failed: " + describeError(r, error)};
    std::uint64_t removed = 0;
    if ((r = sd_bus_message_read(reply.get(), "t", &removed)) < 0)
        return Error::fromErrno(r, "Failed to read the FlushConntrack reply");
    return removed;
}

Result<std::vector<IdentityRecord>> ControlClient::identities() {
    BusError error;
    MessagePtr reply;
    int r = callMethod(bus_.get(), destination_, kInterface, "ListIdentities", kCallTimeoutUsec, error, reply);
    if (r < 0) return Error{-r, "ListIdentities failed: " + describeError(r, error)};
    return readIdentities(reply.get());
}

Result<EndpointPolicyRecord> ControlClient::policy(const std::string& pod) {
    BusError error;
    MessagePtr reply;
    int r = callMethod(bus_.get(), destination_, kInterface, "GetPolicy", kCallTimeoutUsec, error, reply, pod.c_str());
    if (r < 0) return Error{-r, "GetPolicy failed: " + describeError(r, error)};
    return readEndpointPolicy(reply.get());
}

namespace {

Result<DrainOutcome> callDrain(sd_bus* bus, const char* destination, const char* member) {
    BusError error;
    MessagePtr reply;
    int r = callMethod(bus, destination, kInterface, member, kCallTimeoutUsec, error, reply);
    if (r < 0) {
        if (error.hasName(kErrorUndrainRefused)) return Error{-r, std::string("Undrain refused: ") + error.message()};
        return Error{-r, std::string(member) + " failed: " + describeError(r, error)};
    }
    if (sd_bus_message_has_signature(reply.get(), kDrainOutcomeSignature) <= 0)
        return versionMismatch(reply.get(), "drain replies", kDrainOutcomeSignature);
    DrainOutcome outcome;
    const char* message = nullptr;
    if ((r = sd_bus_message_read(reply.get(), "s", &message)) < 0 || (r = readDrain(reply.get(), outcome.drain)) < 0)
        return Error::fromErrno(r, std::string("Failed to read the ") + member + " reply");
    outcome.message = message;
    return outcome;
}

}  // namespace

Result<DrainOutcome> ControlClient::drain() { return callDrain(bus_.get(), destination_, "Drain"); }

Result<DrainOutcome> ControlClient::undrain() { return callDrain(bus_.get(), destination_, "Undrain"); }

}  // namespace nodeplane::bus
