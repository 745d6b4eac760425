// SPDX-License-Identifier: GPL-2.0-or-later
// The payload stamp of netring's synthetic UDP traffic: the one definition xdp-tx writes and stats reads.
#pragma once

// Layout, at offset 0 of the UDP payload, all fields big-endian (network order):
//
//   offset  size  field
//        0     8  sequence   per-stream counter, starts at 0, +1 per frame sent
//        8     8  sent_ns    CLOCK_REALTIME of the send, nanoseconds since the epoch
//       16     2  stream     stream id (xdp-tx: one per queue/thread)
//
// 18 bytes in all: exactly what a minimum 60-byte Ethernet frame leaves after
// Ethernet (14), IPv4 (20) and UDP (8) headers, so every frame size xdp-tx can
// send carries a stamp. Bytes after the stamp are padding and are ignored.
//
// There is no room for a magic number, so a receiver recognises stamped
// frames by the UDP destination port (default_port unless configured), or the
// EtherType of bare Ethernet frames, and a plausible send time
// (plausible_time); see stats/stamped_frame.h.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace netring::traffic {

inline constexpr std::size_t stamp_size = 18;
inline constexpr std::size_t stamp_sequence_offset = 0;
inline constexpr std::size_t stamp_time_offset = 8;
inline constexpr std::size_t stamp_stream_offset = 16;

// UDP port 9 (discard): the traffic is meant to be counted and thrown away.
inline constexpr std::uint16_t default_port = 9;

// IEEE 802 "local experimental" EtherType 1: bare Ethernet frames (xdp-tx
// --proto eth) carry the stamp right after the header under it.
inline constexpr std::uint16_t ethertype_local_experimental = 0x88b5;

struct Stamp {
    std::uint64_t sequence = 0;
    std::uint64_t sent_ns = 0;
    std::uint16_t stream = 0;

    friend bool operator==(const Stamp &, const Stamp &) = default;
};

namespace stamp_detail {

// memcpy and one byte swap: a load and a bswap in both hot loops (sender and
// receiver), where a byte-at-a-time loop is not always turned into one.
template <typename T>
inline T to_big_endian(T v)
{
    if constexpr (std::endian::native == std::endian::big)
        return v;
    else if constexpr (sizeof(T) == 8)
        return __builtin_bswap64(v);
    else
        return __builtin_bswap16(v);
}

template <typename T>
inline void put_be(std::uint8_t *p, T v)
{
    v = to_big_endian(v);
    std::memcpy(p, &v, sizeof(v));
}

// The low `bytes` bytes of v, big-endian (kept for writers of single fields).
inline void put_be(std::uint8_t *p, std::uint64_t v, std::size_t bytes)
{
    for (std::size_t i = 0; i < bytes; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (8 * (bytes - 1 - i)));
}

template <typename T>
inline T get_be(const std::uint8_t *p)
{
    T v;
    std::memcpy(&v, p, sizeof(v));
    return to_big_endian(v);
}

}  // namespace stamp_detail

// The per-send rewrite of a prebuilt frame: only these two fields change, so
// a sender keeps the stream id in its template and calls this in the hot loop.
inline void write_stamp_sequence_and_time(std::uint8_t *payload, std::uint64_t sequence, std::uint64_t sent_ns)
{
    stamp_detail::put_be(payload + stamp_sequence_offset, sequence);
    stamp_detail::put_be(payload + stamp_time_offset, sent_ns);
}

// Writes all stamp_size bytes at payload (the first byte of the UDP payload).
inline void encode_stamp(const Stamp &s, std::uint8_t *payload)
{
    write_stamp_sequence_and_time(payload, s.sequence, s.sent_ns);
    stamp_detail::put_be(payload + stamp_stream_offset, s.stream);
}

// The send time alone, for a check before the whole stamp is decoded.
inline std::uint64_t stamp_sent_ns(const std::uint8_t *payload)
{
    return stamp_detail::get_be<std::uint64_t>(payload + stamp_time_offset);
}

// Reads stamp_size bytes at payload; the caller has checked they are there.
inline Stamp decode_stamp(const std::uint8_t *payload)
{
    Stamp s;
    s.sequence = stamp_detail::get_be<std::uint64_t>(payload + stamp_sequence_offset);
    s.sent_ns = stamp_sent_ns(payload);
    s.stream = stamp_detail::get_be<std::uint16_t>(payload + stamp_stream_offset);
    return s;
}

// A send time between 2001-09-09 (1e18 ns) and 2100-01-01: zero-filled or
// random payloads to the same port almost never pass.
inline constexpr std::uint64_t plausible_time_min = 1'000'000'000'000'000'000ULL;
inline constexpr std::uint64_t plausible_time_max = 4'102'444'800'000'000'000ULL;
inline constexpr bool plausible_time(std::uint64_t sent_ns)
{
    return sent_ns >= plausible_time_min && sent_ns < plausible_time_max;
}

}  // namespace netring::traffic
