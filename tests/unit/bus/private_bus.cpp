#include "private_bus.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace nodeplane::bus::test {
namespace {

constexpr const char* kDbusDaemon = "/usr/bin/dbus-daemon";

// The default policy of a system bus: anyone may connect and talk to the bus
// driver, nobody may own a name or send a method call unless a policy file says so.
std::string configuration(const std::string& socket, const std::string& policyFile) {
    return R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=)" + socket + R"(</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <include>)" + policyFile + R"(</include>
</busconfig>
)";
}

}  // namespace

PrivateSystemBus::PrivateSystemBus(const std::string& dir, const std::string& policyFile) {
    if (::access(kDbusDaemon, X_OK) != 0) {
        error_ = std::string(kDbusDaemon) + " is missing: install the dbus-daemon package";
        return;
    }
    std::string socket = dir + "/system_bus_socket";
    std::string config = dir + "/system.conf";
    std::ofstream(config) << configuration(socket, policyFile);

    pid_ = ::fork();
    if (pid_ < 0) {
        error_ = "fork failed";
        return;
    }
    if (pid_ == 0) {
        std::string configArg = "--config-file=" + config;
        ::execl(kDbusDaemon, kDbusDaemon, "--nofork", "--nosyslog", configArg.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    struct stat st {};
    while (::stat(socket.c_str(), &st) != 0) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            error_ = "dbus-daemon exited at start (status " + std::to_string(status) + ")";
            return;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            error_ = "dbus-daemon did not create " + socket;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", ("unix:path=" + socket).c_str(), 1);
}

PrivateSystemBus::~PrivateSystemBus() {
    ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
    }
}

}  // namespace nodeplane::bus::test
