// SPDX-License-Identifier: GPL-2.0-or-later
// When a rotating capture starts a new file, and what the files are called.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "netring/base/result.h"

namespace netring {

// All limits 0 = not set. Sizes in bytes, times in seconds.
// The largest time and size limits taken: a century, and 2^62 bytes. Larger
// ones are typos, and their nanoseconds or bytes would overflow 64 bits
// (-b interval:2^55 divided by zero).
inline constexpr std::uint64_t max_limit_seconds = 100ULL * 36525 * 864;
inline constexpr std::uint64_t max_limit_bytes = 1ULL << 62;
// "WHAT: at most N seconds (a century)", for a time limit past max_limit_seconds.
std::string time_limit_problem(std::string_view what);

struct RotationPolicy {
    std::uint64_t max_bytes = 0;     // -C MB (x 1e6), -b filesize:KB (x 1e3)
    std::uint64_t max_packets = 0;   // -b packets:N
    std::uint64_t duration_s = 0;    // -G SEC, -b duration:SEC: age of a file
    std::uint64_t interval_s = 0;    // -b interval:SEC: files start at multiples of SEC
    std::uint32_t ring_files = 0;    // -b files:N, -W N with -C: keep the newest N
    std::uint32_t max_files = 0;     // -W N with -G and no -C: stop after N files
    bool strftime_names = false;     // -G with a '%' in -w: tcpdump names

    [[nodiscard]] bool rotates() const
    {
        return max_bytes != 0 || max_packets != 0 || duration_s != 0 || interval_s != 0;
    }
};

// One dumpcap -b KEY:VALUE (filesize, duration, interval, files, packets).
Status apply_ring_buffer_option(std::string_view spec, RotationPolicy &policy);

// What the current file holds, for the rotation decision.
struct FileProgress {
    std::uint64_t frames = 0;
    std::uint64_t bytes = 0;      // including headers
    std::uint64_t deadline_ns = 0;  // realtime; 0: none
};

// When a file opened at opened_ns must end by time (0 if never): the earlier
// of its -G/duration age and the next whole multiple of the interval.
std::uint64_t file_deadline_ns(const RotationPolicy &policy, std::uint64_t opened_ns);

// Checked before each frame is written (and on idle ticks with frames = 0
// allowed): a file that has reached a limit is closed first, so no frame is
// split and a file exceeds -C by less than one record, as tcpdump's do.
// Size and packet limits never close a file without frames.
bool should_rotate(const RotationPolicy &policy, const FileProgress &file, std::uint64_t now_ns);

// dumpcap's PREFIX_NNNNN_YYYYMMDDHHMMSS.EXT from -w PREFIX.EXT (local time).
std::string numbered_file_name(const std::string &path, std::uint64_t index, std::time_t when);
// tcpdump's -G name: the -w pattern through strftime (local time).
std::string strftime_file_name(const std::string &pattern, std::time_t when);

}  // namespace netring
