// Shared CppUTest entry point. Leak detection by operator-new overloading is
// off: spdlog and libbpf keep process-lifetime allocations that it would
// report as leaks; we run the suites under valgrind/ASan instead when hunting.
#include <CppUTest/CommandLineTestRunner.h>
#include <CppUTest/MemoryLeakWarningPlugin.h>

int main(int argc, char** argv) {
    MemoryLeakWarningPlugin::turnOffNewDeleteOverloads();
    return CommandLineTestRunner::RunAllTests(argc, argv);
}
