// SPDX-License-Identifier: GPL-2.0-or-later
// Ethernet / VLAN / IPv4 / IPv6 / UDP header walk down to the stamp, bounds-checked.
#include "netring/stats/stamped_frame.h"

namespace netring::stats {

namespace {

constexpr std::uint16_t eth_ipv4 = 0x0800;
constexpr std::uint16_t eth_ipv6 = 0x86dd;
constexpr std::uint8_t ip_udp = 17;

std::uint16_t be16(const std::uint8_t *p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

bool is_vlan_tpid(std::uint16_t type) { return type == 0x8100 || type == 0x88a8 || type == 0x9100; }

// UDP header at data[off], `ip_payload` bytes of IP payload from there.
std::optional<traffic::Stamp> udp_stamp(const std::uint8_t *data, std::uint32_t caplen, std::uint32_t off,
                                        std::uint32_t ip_payload, std::uint16_t port)
{
    constexpr std::uint32_t need = 8 + traffic::stamp_size;
    if (ip_payload < need || caplen < off + need)
        return std::nullopt;
    const std::uint8_t *udp = data + off;
    if (be16(udp + 2) != port)
        return std::nullopt;
    const std::uint32_t udp_len = be16(udp + 4);
    if (udp_len < need || udp_len > ip_payload)
        return std::nullopt;
    const traffic::Stamp s = traffic::decode_stamp(udp + 8);
    if (!traffic::plausible_time(s.sent_ns))
        return std::nullopt;
    return s;
}

}  // namespace

std::optional<traffic::Stamp> find_stamp(const std::uint8_t *data, std::uint32_t caplen, std::uint16_t port)
{
    if (data == nullptr || caplen < 14)
        return std::nullopt;
    std::uint32_t off = 12;
    std::uint16_t type = be16(data + off);
    for (int tags = 0; tags < 2 && is_vlan_tpid(type); ++tags) {
        off += 4;
        if (caplen < off + 2)
            return std::nullopt;
        type = be16(data + off);
    }
    off += 2;
    if (type == eth_ipv4) {
        if (caplen < off + 20)
            return std::nullopt;
        const std::uint8_t *ip = data + off;
        const std::uint32_t ihl = (ip[0] & 0x0fU) * 4;
        const std::uint32_t total = be16(ip + 2);
        // Any fragment (MF set or an offset) cannot be told apart from its datagram.
        const bool fragment = (be16(ip + 6) & 0x3fffU) != 0;
        if ((ip[0] >> 4) != 4 || ihl < 20 || total < ihl || ip[9] != ip_udp || fragment)
            return std::nullopt;
        return udp_stamp(data, caplen, off + ihl, total - ihl, port);
    }
    if (type == eth_ipv6) {
        if (caplen < off + 40)
            return std::nullopt;
        const std::uint8_t *ip = data + off;
        if ((ip[0] >> 4) != 6 || ip[6] != ip_udp)
            return std::nullopt;
        return udp_stamp(data, caplen, off + 40, be16(ip + 4), port);
    }
    return std::nullopt;
}

}  // namespace netring::stats
