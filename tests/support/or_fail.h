// CppUTest (4.0, as Debian builds it) does not turn a std::exception escaping
// a test into a failure: the process terminates and later tests never run.
// The test-support helpers throw when the environment cannot be built, so
// setup code runs them through orFail(), which reports the exception as this
// test's failure.
#pragma once

#include <CppUTest/TestHarness.h>

#include <exception>

namespace nodeplane::test {

template <typename Fn>
auto orFail(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const std::exception& e) {
        FAIL(e.what());
        throw;  // not reached: FAIL leaves the test
    }
}

}  // namespace nodeplane::test
