// Test base: a FakeHandler, a private directory and an sd-event loop that
// the test thread runs, and ControlServers started on them.
#pragma once

#include <CppUTest/TestHarness.h>

#include <memory>
#include <string>

#include "bus/control_server.h"
#include "common/c_handle.h"
#include "fake_handler.h"
#include "temp_dir.h"

namespace nodeplane::bus::test {

class ServedDaemon : public Utest {
public:
    // Members go in reverse: servers (declared by tests) first, the loop last.
    TempDir dir;
    CHandle<sd_event, sd_event_unref> event{newLoop()};
    FakeHandler handler;

    // Serves on `path`; fails the test when it cannot.
    std::unique_ptr<ControlServer> start(const std::string& path, bool systemBus = false) {
        auto server = ControlServer::start(event.get(), handler, ControlServerOptions{path, systemBus});
        CHECK_TEXT(server.ok(), server.ok() ? "" : server.error().message.c_str());
        return std::move(server).value();
    }

private:
    static sd_event* newLoop() {
        sd_event* e = nullptr;
        return sd_event_new(&e) < 0 ? nullptr : e;
    }
};

}  // namespace nodeplane::bus::test
