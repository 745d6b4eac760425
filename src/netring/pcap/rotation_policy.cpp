// SPDX-License-Identifier: GPL-2.0-or-later
// Rotation limits from -b options, file deadlines and file names.
#include "netring/pcap/rotation_policy.h"

#include <charconv>

#include <fmt/format.h>

namespace netring {

namespace {

bool parse_u64(std::string_view s, std::uint64_t &v)
{
    const auto *end = s.data() + s.size();
    const auto r = std::from_chars(s.data(), end, v);
    return r.ec == std::errc() && r.ptr == end && !s.empty();
}

}  // namespace

std::string time_limit_problem(std::string_view what)
{
    return fmt::format("{}: at most {} seconds (a century)", what, max_limit_seconds);
}

Status apply_ring_buffer_option(std::string_view spec, RotationPolicy &policy)
{
    const auto colon = spec.find(':');
    std::uint64_t v = 0;
    if (colon == std::string_view::npos || !parse_u64(spec.substr(colon + 1), v) || v == 0)
        return Error::logic(fmt::format("-b {}: expected KEY:N with N > 0 (filesize, duration, interval, files, packets)",
                                        spec));
    const std::string_view key = spec.substr(0, colon);
    if (key == "filesize" && v > max_limit_bytes / 1000)
        return Error::logic(fmt::format("-b {}: at most {} kB", spec, max_limit_bytes / 1000));
    if ((key == "duration" || key == "interval") && v > max_limit_seconds)
        return Error::logic(time_limit_problem(fmt::format("-b {}", spec)));
    if (key == "filesize")
        policy.max_bytes = v * 1000;  // dumpcap's kB are 1000 bytes
    else if (key == "duration")
        policy.duration_s = v;
    else if (key == "interval")
        policy.interval_s = v;
    else if (key == "files")
        policy.ring_files = static_cast<std::uint32_t>(std::min<std::uint64_t>(v, UINT32_MAX));
    else if (key == "packets")
        policy.max_packets = v;
    else
        return Error::logic(fmt::format("-b {}: unknown key {} (filesize, duration, interval, files, packets)", spec, key));
    return {};
}

std::uint64_t file_deadline_ns(const RotationPolicy &policy, std::uint64_t opened_ns)
{
    constexpr std::uint64_t ns = 1'000'000'000ULL;
    std::uint64_t deadline = 0;
    if (policy.duration_s != 0)
        deadline = opened_ns + policy.duration_s * ns;
    if (policy.interval_s != 0) {
        const std::uint64_t step = policy.interval_s * ns;
        const std::uint64_t boundary = (opened_ns / step + 1) * step;
        deadline = deadline == 0 ? boundary : std::min(deadline, boundary);
    }
    return deadline;
}

bool should_rotate(const RotationPolicy &policy, const FileProgress &file, std::uint64_t now_ns)
{
    if (file.deadline_ns != 0 && now_ns >= file.deadline_ns)
        return true;
    if (file.frames == 0)
        return false;
    return (policy.max_packets != 0 && file.frames >= policy.max_packets) ||
           (policy.max_bytes != 0 && file.bytes >= policy.max_bytes);
}

std::string numbered_file_name(const std::string &path, std::uint64_t index, std::time_t when)
{
    // The extension is whatever follows the last dot of the last component.
    const auto slash = path.rfind('/');
    const auto dot = path.rfind('.');
    const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash + 1);
    const std::string prefix = has_ext ? path.substr(0, dot) : path;
    const std::string ext = has_ext ? path.substr(dot) : "";
    std::tm tm{};
    ::localtime_r(&when, &tm);
    return fmt::format("{}_{:05}_{:04}{:02}{:02}{:02}{:02}{:02}{}", prefix, index, tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ext);
}

std::string strftime_file_name(const std::string &pattern, std::time_t when)
{
    std::tm tm{};
    ::localtime_r(&when, &tm);
    std::string out(pattern.size() + 256, '\0');
    const std::size_t n = std::strftime(out.data(), out.size(), pattern.c_str(), &tm);
    if (n == 0)
        return pattern;  // a pattern that expands to nothing or too long: keep it literal
    out.resize(n);
    return out;
}

}  // namespace netring
