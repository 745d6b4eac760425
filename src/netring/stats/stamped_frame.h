// SPDX-License-Identifier: GPL-2.0-or-later
// Finding the xdp-tx stamp in a captured Ethernet frame.
#pragma once

#include <cstdint>
#include <optional>

#include "netring/pcap/frame.h"
#include "netring/traffic/stamp.h"

namespace netring::stats {

namespace stamped_frame_detail {

inline constexpr std::uint16_t eth_ipv4 = 0x0800;
inline constexpr std::uint16_t eth_ipv6 = 0x86dd;
inline constexpr std::uint8_t ip_udp = 17;

inline std::uint16_t be16(const std::uint8_t *p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

// UDP header at data[off], `ip_payload` bytes of IP payload from there.
inline const std::uint8_t *udp_stamp(const std::uint8_t *data, std::uint32_t caplen, std::uint32_t off,
                                     std::uint32_t ip_payload, std::uint16_t port)
{
    constexpr std::uint32_t need = 8 + traffic::stamp_size;
    if (ip_payload < need || caplen < off + need)
        return nullptr;
    const std::uint8_t *udp = data + off;
    if (be16(udp + 2) != port)
        return nullptr;
    const std::uint32_t udp_len = be16(udp + 4);
    if (udp_len < need || udp_len > ip_payload)
        return nullptr;
    const std::uint8_t *stamp = udp + 8;
    if (!traffic::plausible_time(traffic::stamp_sent_ns(stamp)))
        return nullptr;
    return stamp;
}

}  // namespace stamped_frame_detail

// The stamp of an IPv4 or IPv6 UDP frame to `port`, or of a bare Ethernet
// frame of EtherType 0x88b5 (xdp-tx --proto eth), up to two VLAN tags in
// front; or nothing. Besides the port a UDP frame must be an unfragmented
// datagram whose UDP and IP lengths agree; every frame needs room for the
// whole stamp within caplen and a plausible send time. IPv6 extension headers
// are not walked (xdp-tx sends none). Reads only within data[0, caplen).
//
// stamp_at gives where the stamp starts (nullptr: no stamp). Inline and
// without an optional<Stamp>: `stats --capture` runs it for every frame, and
// a Stamp returned through memory cost a store-forwarding stall per frame.
inline const std::uint8_t *stamp_at(const std::uint8_t *data, std::uint32_t caplen, std::uint16_t port)
{
    using namespace stamped_frame_detail;
    if (data == nullptr || caplen < 14)
        return nullptr;
    std::uint32_t off = 12;
    std::uint16_t type = be16(data + off);
    for (int tags = 0; tags < 2 && is_vlan_tag_type(type); ++tags) {
        off += 4;
        if (caplen < off + 2)
            return nullptr;
        type = be16(data + off);
    }
    off += 2;
    if (type == eth_ipv4) {
        if (caplen < off + 20)
            return nullptr;
        const std::uint8_t *ip = data + off;
        const std::uint32_t ihl = (ip[0] & 0x0fU) * 4;
        const std::uint32_t total = be16(ip + 2);
        // Any fragment (MF set or an offset) cannot be told apart from its datagram.
        const bool fragment = (be16(ip + 6) & 0x3fffU) != 0;
        if ((ip[0] >> 4) != 4 || ihl < 20 || total < ihl || ip[9] != ip_udp || fragment)
            return nullptr;
        return udp_stamp(data, caplen, off + ihl, total - ihl, port);
    }
    if (type == eth_ipv6) {
        if (caplen < off + 40)
            return nullptr;
        const std::uint8_t *ip = data + off;
        if ((ip[0] >> 4) != 6 || ip[6] != ip_udp)
            return nullptr;
        return udp_stamp(data, caplen, off + 40, be16(ip + 4), port);
    }
    if (type == traffic::ethertype_local_experimental) {
        // Other experiments may use the EtherType too: the send time must pass.
        if (caplen < off + traffic::stamp_size || !traffic::plausible_time(traffic::stamp_sent_ns(data + off)))
            return nullptr;
        return data + off;
    }
    return nullptr;
}

inline std::optional<traffic::Stamp> find_stamp(const std::uint8_t *data, std::uint32_t caplen, std::uint16_t port)
{
    const std::uint8_t *stamp = stamp_at(data, caplen, port);
    if (stamp == nullptr)
        return std::nullopt;
    return traffic::decode_stamp(stamp);
}

}  // namespace netring::stats
