// SPDX-License-Identifier: GPL-2.0-or-later
// What an interface's driver says it can do with XDP and AF_XDP (netdev generic netlink, Linux 6.3).
#pragma once

#include <cstdint>

#include "netring/base/result.h"

namespace netring::xdp {

// NETDEV_XDP_ACT_* bits of <linux/netdev.h>, which Debian 12's headers lack.
inline constexpr std::uint64_t xdp_act_basic = 1U << 0;         // native XDP: DROP, PASS, TX
inline constexpr std::uint64_t xdp_act_redirect = 1U << 1;      // XDP_REDIRECT, so AF_XDP in native mode
inline constexpr std::uint64_t xdp_act_ndo_xmit = 1U << 2;      // a redirect target
inline constexpr std::uint64_t xdp_act_xsk_zerocopy = 1U << 3;  // AF_XDP zero-copy
inline constexpr std::uint64_t xdp_act_hw_offload = 1U << 4;
inline constexpr std::uint64_t xdp_act_rx_sg = 1U << 5;         // multi-buffer frames on receive
inline constexpr std::uint64_t xdp_act_ndo_xmit_sg = 1U << 6;
// NETDEV_XSK_FLAGS_*: what AF_XDP TX metadata the driver honours.
inline constexpr std::uint64_t xsk_tx_timestamp = 1U << 0;
inline constexpr std::uint64_t xsk_tx_checksum = 1U << 1;
inline constexpr std::uint64_t xsk_tx_launch_time = 1U << 2;

struct NetdevFeatures {
    std::uint64_t xdp_features = 0;
    std::uint32_t zc_max_segs = 0;   // fragments per frame in zero-copy mode
    std::uint64_t rx_metadata = 0;   // NETDEV_XDP_RX_METADATA_*
    std::uint64_t xsk_features = 0;  // Linux 6.8
    bool has_xsk_features = false;
};

// ENOENT when the kernel has no "netdev" family (before 6.3).
Result<NetdevFeatures> query_netdev_features(unsigned ifindex);

}  // namespace netring::xdp
