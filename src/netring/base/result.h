// SPDX-License-Identifier: GPL-2.0-or-later
// Error and Result<T>: how the library reports failure without throwing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace netring {

// What the kernel checks before a step, for telling a refused user what to
// grant. Set where the system call is made: only there is it known.
enum class Privilege : std::uint8_t {
    none,
    raw_socket,     // AF_PACKET and AF_XDP sockets: CAP_NET_RAW
    bpf,            // any bpf() command while unprivileged BPF is off: CAP_BPF
    net_bpf,        // XDP programs and XSKMAPs: CAP_BPF, then CAP_NET_ADMIN
    net_admin,      // attaching an XDP program to an interface: CAP_NET_ADMIN
    locked_memory,  // a UMEM beyond RLIMIT_MEMLOCK: CAP_IPC_LOCK
    stated,         // the context already says what the step needs
};

// An errno (0 when the failure is not a system call's) and what was being
// attempted, e.g. "bind AF_PACKET socket to veth0".
struct Error {
    int code = 0;
    std::string context;
    bool self_explanatory = false;  // message() leaves out strerror(code)
    // The caller's input is wrong (an interface name, a filter, an option
    // value), not the system: the CLI exits 2 for it, as for a bad option.
    bool bad_input = false;
    Privilege needs = Privilege::none;

    // A system-call failure. Callers save errno into a local first, because
    // building the context string may clobber it.
    static Error sys(int err, std::string what) { return Error{err, std::move(what)}; }
    static Error logic(std::string what) { return Error{0, std::move(what)}; }
    // An errno whose meaning the text already says in full.
    static Error explained(int err, std::string text) { return Error{err, std::move(text), true}; }
    // Bad input, said in full ("invalid filter ...", "no such interface ...").
    static Error invalid(int err, std::string text) { return Error{err, std::move(text), true, true}; }

    // The same error, for a step that needs p.
    Error &&needing(Privilege p) &&
    {
        needs = p;
        return std::move(*this);
    }

    // "context: strerror(code)", or the context alone.
    [[nodiscard]] std::string message() const;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() & { return std::get<0>(v_); }
    T &&value() && { return std::get<0>(std::move(v_)); }
    const T &value() const & { return std::get<0>(v_); }
    T *operator->() { return &std::get<0>(v_); }
    const T *operator->() const { return &std::get<0>(v_); }
    T &operator*() & { return std::get<0>(v_); }
    [[nodiscard]] const Error &error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const { return !error_; }
    explicit operator bool() const { return ok(); }
    [[nodiscard]] const Error &error() const { return *error_; }

private:
    std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace netring
