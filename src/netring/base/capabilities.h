// SPDX-License-Identifier: GPL-2.0-or-later
// Which capabilities the process holds, read with capget(2) (no libcap).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace netring {

// The capabilities netring uses, with what each one is for.
struct CapabilityUse {
    int number;           // CAP_* value
    const char *name;     // "CAP_NET_RAW"
    const char *purpose;  // one line for messages and `netring info`
};

// CAP_NET_RAW, CAP_NET_ADMIN, CAP_BPF, CAP_IPC_LOCK, in that order.
const std::vector<CapabilityUse> &capabilities_used();

// The process's effective set; false when capget fails (treated as "lacks").
bool has_effective_capability(int cap);

// "CAP_NET_ADMIN" for 12; "capability N" otherwise.
std::string capability_name(int cap);

// The soft RLIMIT_MEMLOCK in bytes (UINT64_MAX when unlimited).
std::uint64_t memlock_limit();

}  // namespace netring
