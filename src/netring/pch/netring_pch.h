// SPDX-License-Identifier: GPL-2.0-or-later
// Precompiled for every file of the library: the standard and fmt headers
// that most of them include. Precompiled, the library builds in a quarter
// less CPU time. Kernel and libpcap headers stay out: <pcap/bpf.h> and
// <linux/bpf.h> both define struct bpf_insn.
#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
