// SPDX-License-Identifier: GPL-2.0-or-later
// The Internet checksum (RFC 1071): partial sums that can be extended, and the final fold.
#pragma once

#include <cstddef>
#include <cstdint>

namespace netring::traffic {

// Adds len bytes as big-endian 16-bit words (an odd last byte is the high
// half of a word) to a partial sum. The sum is kept unfolded in 64 bits, so
// partial sums of different parts of a packet simply add.
constexpr std::uint64_t checksum_add(std::uint64_t sum, const std::uint8_t *p, std::size_t len)
{
    std::size_t i = 0;
    for (; i + 1 < len; i += 2)
        sum += static_cast<std::uint64_t>((p[i] << 8) | p[i + 1]);
    if (i < len)
        sum += static_cast<std::uint64_t>(p[i] << 8);
    return sum;
}

// The four 16-bit words of a big-endian 64-bit field.
constexpr std::uint64_t checksum_add64(std::uint64_t sum, std::uint64_t v)
{
    return sum + (v >> 48) + ((v >> 32) & 0xffff) + ((v >> 16) & 0xffff) + (v & 0xffff);
}

// The one's complement of the folded sum: the value the checksum field holds.
constexpr std::uint16_t checksum_finish(std::uint64_t sum)
{
    while ((sum >> 16) != 0)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

// UDP transmits a computed 0 as 0xffff: 0 means "no checksum" (IPv4) and is
// not allowed at all over IPv6 (RFC 8200).
constexpr std::uint16_t udp_checksum_finish(std::uint64_t sum)
{
    const std::uint16_t c = checksum_finish(sum);
    return c == 0 ? 0xffff : c;
}

}  // namespace netring::traffic
