// SPDX-License-Identifier: GPL-2.0-or-later
// The receive metadata netring's XDP program writes before each frame, and its clock.
//
// Clock choice: the program stamps frames with bpf_ktime_get_tai_ns (CLOCK_TAI,
// Linux 6.1) and falls back to bpf_ktime_get_ns (CLOCK_MONOTONIC) where that
// helper is missing; the record says which. User space converts to
// CLOCK_REALTIME with an offset it measures on every batch (KernelClock). TAI is
// preferred because it moves together with REALTIME (TAI = UTC + the kernel's
// TAI offset), so a frame stamped before a settimeofday() step and read after it
// still converts exactly; the only error is at a leap second. MONOTONIC ignores
// steps, so its conversion can be off by a step that happened between stamping
// and reading.
#pragma once

#include <cstdint>
#include <ctime>

namespace netring::xdp {

// At data - sizeof(RxMeta), i.e. the whole XDP metadata area (data_meta..data).
struct RxMeta {
    std::uint64_t rx_ns = 0;  // when the XDP program ran, on `clock`
    std::uint32_t clock = 0;  // clockid_t: CLOCK_TAI or CLOCK_MONOTONIC
    std::uint32_t magic = 0;  // rx_meta_magic: set by our program, cleared by the reader
};
static_assert(sizeof(RxMeta) == 16, "bpf_xdp_adjust_meta needs a multiple of 4, at most 32");

inline constexpr std::uint32_t rx_meta_magic = 0x314d524eU;  // "NRM1" little-endian

// A measured TAI - UTC offset in ns, rounded to whole seconds (which it is,
// adjtimex ADJ_TAI), so that the measurement's read jitter drops out.
[[nodiscard]] std::int64_t whole_seconds(std::int64_t ns);

// CLOCK_TAI or CLOCK_MONOTONIC nanoseconds to CLOCK_REALTIME nanoseconds.
class KernelClock {
public:
    KernelClock() = default;
    // Known offsets (clock minus REALTIME, ns): a host's TAI offset is
    // often 0, so tests give one to see that it is taken off, not added.
    KernelClock(std::int64_t tai_minus_real, std::int64_t mono_minus_real)
        : tai_minus_real_(tai_minus_real), mono_minus_real_(mono_minus_real)
    {
    }
    // Measures both offsets now; cheap (vDSO), so do it once per batch.
    void sample();
    // 0 for a clock it does not know.
    [[nodiscard]] std::uint64_t to_realtime(std::uint64_t ns, std::uint32_t clock) const;

private:
    std::int64_t tai_minus_real_ = 0;  // whole seconds (see whole_seconds)
    std::int64_t mono_minus_real_ = 0;
};

}  // namespace netring::xdp
