// A stand-in for systemd-logind on a private system bus, for drain tests
// that must not power off the host. It owns org.freedesktop.login1 and
// answers just what nodeplaned uses:
//   Manager.Inhibit(what, who, why, mode) -> h: the write end of a pipe, as
//     logind hands out (the lock lasts until every copy is closed);
//   Manager.InhibitDelayMaxUSec (property): --max-delay-usec, default 5 s;
//   Manager.PrepareForShutdown(true): emitted on SIGUSR1.
// Every event goes to --log FILE as one line, "<unix ms> <event> <details>":
//   ready, inhibit what=.. who=.. mode=.. why=.., prepare-for-shutdown,
//   released who=.. (the holder closed its fd).
// Usage: fake_logind --log FILE [--max-delay-usec N]   (SIGTERM ends it)
#include <fcntl.h>
#include <signal.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bus/bus_handles.h"
#include "common/unique_fd.h"

namespace {

using nodeplane::UniqueFd;
using nodeplane::bus::BusPtr;
using nodeplane::bus::EventSourcePtr;
using EventPtr = nodeplane::CHandle<sd_event, sd_event_unref>;
using SlotPtr = nodeplane::CHandle<sd_bus_slot, sd_bus_slot_unref>;
using FilePtr = nodeplane::CHandle<FILE, std::fclose>;

constexpr const char* kPath = "/org/freedesktop/login1";
constexpr const char* kManager = "org.freedesktop.login1.Manager";

struct Lock {
    std::string who;
    UniqueFd readEnd;  // EPOLLHUP once the holder's copies are all closed
    EventSourcePtr watch;
};

struct FakeLogind {
    FilePtr log;
    BusPtr bus;
    std::uint64_t maxDelayUsec = 5'000'000;
    std::vector<std::unique_ptr<Lock>> locks;

    void record(const std::string& line) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
        std::fprintf(log.get(), "%lld %s\n", static_cast<long long>(ms), line.c_str());
        std::fflush(log.get());
    }
};

struct LockWatch {
    FakeLogind* self;
    Lock* lock;
};

int onInhibit(sd_bus_message* call, void* userdata, sd_bus_error* error) noexcept {
    auto* self = static_cast<FakeLogind*>(userdata);
    const char* what = nullptr;
    const char* who = nullptr;
    const char* why = nullptr;
    const char* mode = nullptr;
    int r = sd_bus_message_read(call, "ssss", &what, &who, &why, &mode);
    if (r < 0) return r;
    if (std::strcmp(mode, "delay") != 0 && std::strcmp(mode, "block") != 0)
        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid mode '%s'", mode);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return -errno;
    UniqueFd readEnd(fds[0]);
    UniqueFd writeEnd(fds[1]);
    auto lock = std::make_unique<Lock>();
    lock->who = who;
    lock->readEnd = std::move(readEnd);
    auto* watch = new LockWatch{self, lock.get()};
    sd_event_source* source = nullptr;
    r = sd_event_add_io(
        sd_bus_get_event(self->bus.get()), &source, lock->readEnd.get(), EPOLLIN,
        [](sd_event_source* s, int, std::uint32_t revents, void* data) noexcept -> int {
            auto* w = static_cast<LockWatch*>(data);
            if (!(revents & (EPOLLHUP | EPOLLERR))) return 0;
            w->self->record("released who=" + w->lock->who);
            sd_event_source_set_enabled(s, SD_EVENT_OFF);
            return 0;
        },
        watch);
    if (r < 0) {
        delete watch;
        return r;
    }
    // The watch's context lives as long as its source.
    sd_event_source_set_destroy_callback(source, [](void* data) { delete static_cast<LockWatch*>(data); });
    lock->watch.reset(source);
    self->record(std::string("inhibit what=") + what + " who=" + who + " mode=" + mode + " why=" + why);
    self->locks.push_back(std::move(lock));
    // sd-bus duplicates the fd into the reply; ours closes on return.
    return sd_bus_reply_method_return(call, "h", writeEnd.get());
}

int onMaxDelay(sd_bus*, const char*, const char*, const char*, sd_bus_message* reply, void* userdata,
               sd_bus_error*) noexcept {
    return sd_bus_message_append(reply, "t", static_cast<FakeLogind*>(userdata)->maxDelayUsec);
}

const sd_bus_vtable kManagerVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Inhibit", "ssss", "h", onInhibit, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("InhibitDelayMaxUSec", "t", onMaxDelay, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_SIGNAL("PrepareForShutdown", "b", 0),
    SD_BUS_VTABLE_END,
};

int onTrigger(sd_event_source*, const signalfd_siginfo*, void* userdata) noexcept {
    auto* self = static_cast<FakeLogind*>(userdata);
    self->record("prepare-for-shutdown");
    int r = sd_bus_emit_signal(self->bus.get(), kPath, kManager, "PrepareForShutdown", "b", 1);
    if (r < 0) self->record(std::string("emit-failed ") + std::strerror(-r));
    return 0;
}

int fail(const char* what, int r) {
    std::fprintf(stderr, "fake_logind: %s: %s\n", what, std::strerror(r < 0 ? -r : r));
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    FakeLogind self;
    std::string logPath;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string option = argv[i];
        if (option == "--log")
            logPath = argv[i + 1];
        else if (option == "--max-delay-usec")
            self.maxDelayUsec = std::stoull(argv[i + 1]);
        else
            return fail(("unknown option " + option).c_str(), EINVAL);
    }
    if (logPath.empty()) return fail("--log FILE is required", EINVAL);
    self.log.reset(std::fopen(logPath.c_str(), "a"));
    if (!self.log) return fail(logPath.c_str(), errno);

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, nullptr);

    sd_event* rawEvent = nullptr;
    if (int r = sd_event_new(&rawEvent); r < 0) return fail("sd_event_new", r);
    EventPtr event(rawEvent);
    sd_event_source* usr1 = nullptr;
    if (int r = sd_event_add_signal(rawEvent, &usr1, SIGUSR1, onTrigger, &self); r < 0)
        return fail("SIGUSR1", r);
    EventSourcePtr trigger(usr1);
    sd_event_source* term = nullptr;
    if (int r = sd_event_add_signal(rawEvent, &term, SIGTERM, nullptr, nullptr); r < 0) return fail("SIGTERM", r);
    EventSourcePtr stop(term);

    sd_bus* rawBus = nullptr;
    if (int r = sd_bus_open_system(&rawBus); r < 0) return fail("the system bus ($DBUS_SYSTEM_BUS_ADDRESS)", r);
    self.bus.reset(rawBus);
    sd_bus_slot* rawSlot = nullptr;
    if (int r = sd_bus_add_object_vtable(rawBus, &rawSlot, kPath, kManager, kManagerVtable, &self); r < 0)
        return fail("sd_bus_add_object_vtable", r);
    SlotPtr slot(rawSlot);
    if (int r = sd_bus_request_name(rawBus, "org.freedesktop.login1", 0); r < 0)
        return fail("owning org.freedesktop.login1", r);
    if (int r = sd_bus_attach_event(rawBus, rawEvent, SD_EVENT_PRIORITY_NORMAL); r < 0)
        return fail("sd_bus_attach_event", r);
    self.record("ready");
    int r = sd_event_loop(rawEvent);
    // Sources before the loop and the bus.
    self.locks.clear();
    return r < 0 ? fail("event loop", r) : 0;
}
