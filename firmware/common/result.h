// Errors as values: every fallible operation in the running daemon returns
// Result<T>, carrying an errno (0 when the failure is not a system error) and a
// human sentence that already says what failed and why.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace nodeplane {

struct Error {
    int errnum = 0;       // positive errno, or 0 for a logical error
    std::string message;  // "Failed to attach to 'np-web-1': No such device"

    static Error fromErrno(int errnum, std::string what) {
        if (errnum < 0) errnum = -errnum;
        return Error{errnum, std::move(what) + ": " + std::strerror(errnum)};
    }
    static Error logical(std::string what) { return Error{0, std::move(what)}; }
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}                // NOLINT: implicit by design
    Result(Error error) : v_(std::move(error)) {}            // NOLINT: implicit by design

    bool ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(v_); }
    const T& value() const& { return std::get<T>(v_); }
    T&& value() && { return std::get<T>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { return std::get<Error>(v_); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return error_; }

private:
    Error error_;
    bool failed_ = false;
};

using Status = Result<void>;

}  // namespace nodeplane
