// SPDX-License-Identifier: GPL-2.0-or-later
// The AF_XDP and XDP kernel ABI in one place, including what Debian 12's headers lack.
//
// Every constant and struct that the installed <linux/if_xdp.h> or <linux/bpf.h>
// may not have (Debian 12 ships 6.1 headers) is defined here under netring::xdp,
// with the kernel release that added it. When the installed header does have it,
// a static_assert checks that both agree, so a newer header can never silently
// disagree with us. The kernel distinguishes struct versions by optlen, so these
// definitions work on older kernels too as long as the new fields stay zero.
//
// <linux/bpf.h> is deliberately not included: it and libpcap's <pcap/bpf.h>
// both define struct bpf_insn, and capture code includes this header next to
// libpcap. The BPF values below are checked against <linux/bpf.h> in abi.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <sys/socket.h>

#include "config.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

namespace netring::xdp {

// ---- bind() flags (sockaddr_xdp.sxdp_flags) ------------------------------------------
inline constexpr std::uint16_t bind_shared_umem = XDP_SHARED_UMEM;
inline constexpr std::uint16_t bind_copy = XDP_COPY;
inline constexpr std::uint16_t bind_zero_copy = XDP_ZEROCOPY;
inline constexpr std::uint16_t bind_need_wakeup = XDP_USE_NEED_WAKEUP;  // Linux 5.4
// XDP_USE_SG, Linux 6.6: the socket accepts frames split over several descriptors.
inline constexpr std::uint16_t bind_use_sg = 1U << 4;
#ifdef XDP_USE_SG
static_assert(bind_use_sg == XDP_USE_SG);
#endif

// ---- socket options (SOL_XDP) ---------------------------------------------------------
inline constexpr int opt_mmap_offsets = XDP_MMAP_OFFSETS;
inline constexpr int opt_rx_ring = XDP_RX_RING;
inline constexpr int opt_tx_ring = XDP_TX_RING;
inline constexpr int opt_umem_reg = XDP_UMEM_REG;
inline constexpr int opt_umem_fill_ring = XDP_UMEM_FILL_RING;
inline constexpr int opt_umem_completion_ring = XDP_UMEM_COMPLETION_RING;
inline constexpr int opt_statistics = XDP_STATISTICS;
inline constexpr int opt_options = XDP_OPTIONS;
// XDP_MAX_TX_SKB_BUDGET, Linux 6.17: descriptors one copy-mode sendto() may send,
// in [32, TX ring size]; older kernels answer ENOPROTOOPT.
inline constexpr int opt_max_tx_skb_budget = 9;
#ifdef XDP_MAX_TX_SKB_BUDGET
static_assert(opt_max_tx_skb_budget == XDP_MAX_TX_SKB_BUDGET);
#endif

// ---- mmap() page offsets of the rings -------------------------------------------------
inline constexpr long pgoff_rx_ring = XDP_PGOFF_RX_RING;
inline constexpr long pgoff_tx_ring = XDP_PGOFF_TX_RING;
inline constexpr long pgoff_fill_ring = static_cast<long>(XDP_UMEM_PGOFF_FILL_RING);
inline constexpr long pgoff_completion_ring = static_cast<long>(XDP_UMEM_PGOFF_COMPLETION_RING);

// ---- ring flags and XDP_OPTIONS -------------------------------------------------------
inline constexpr std::uint32_t ring_need_wakeup = XDP_RING_NEED_WAKEUP;
inline constexpr std::uint32_t options_zero_copy = XDP_OPTIONS_ZEROCOPY;

// ---- UMEM registration flags (xdp_umem_reg.flags) -------------------------------------
// XDP_PACKET_HEADROOM (include/linux/bpf.h, not a uapi header): the kernel
// leaves this much in front of every received frame, after the UMEM's own
// headroom.
inline constexpr std::uint32_t packet_headroom = 256;
inline constexpr std::uint32_t umem_unaligned_chunks = XDP_UMEM_UNALIGNED_CHUNK_FLAG;
// XDP_UMEM_TX_SW_CSUM, Linux 6.8: copy mode computes requested TX checksums in software.
inline constexpr std::uint32_t umem_tx_sw_csum = 1U << 1;
// XDP_UMEM_TX_METADATA_LEN, Linux 6.11: tx_metadata_len is honoured only with this flag.
inline constexpr std::uint32_t umem_tx_metadata_len = 1U << 2;
#ifdef XDP_UMEM_TX_SW_CSUM
static_assert(umem_tx_sw_csum == XDP_UMEM_TX_SW_CSUM);
#endif
#ifdef XDP_UMEM_TX_METADATA_LEN
static_assert(umem_tx_metadata_len == XDP_UMEM_TX_METADATA_LEN);
#endif

// ---- descriptor option bits (xdp_desc.options) ----------------------------------------
// XDP_PKT_CONTD, Linux 6.6: the frame continues in the next descriptor (XDP_USE_SG).
inline constexpr std::uint32_t desc_pkt_contd = 1U << 0;
// XDP_TX_METADATA, Linux 6.8: a struct xsk_tx_metadata precedes this TX frame.
inline constexpr std::uint32_t desc_tx_metadata = 1U << 1;
#ifdef XDP_PKT_CONTD
static_assert(desc_pkt_contd == XDP_PKT_CONTD);
#endif
#ifdef XDP_TX_METADATA
static_assert(desc_tx_metadata == XDP_TX_METADATA);
#endif

// ---- TX metadata request flags (xsk_tx_metadata.flags) --------------------------------
inline constexpr std::uint64_t txmd_timestamp = 1U << 0;    // XDP_TXMD_FLAGS_TIMESTAMP, Linux 6.8
inline constexpr std::uint64_t txmd_checksum = 1U << 1;     // XDP_TXMD_FLAGS_CHECKSUM, Linux 6.8
inline constexpr std::uint64_t txmd_launch_time = 1U << 2;  // XDP_TXMD_FLAGS_LAUNCH_TIME, Linux 6.14
#ifdef XDP_TXMD_FLAGS_TIMESTAMP
static_assert(txmd_timestamp == XDP_TXMD_FLAGS_TIMESTAMP);
static_assert(txmd_checksum == XDP_TXMD_FLAGS_CHECKSUM);
#endif
#ifdef XDP_TXMD_FLAGS_LAUNCH_TIME
static_assert(txmd_launch_time == XDP_TXMD_FLAGS_LAUNCH_TIME);
#endif

// ---- BPF ------------------------------------------------------------------------------
// BPF_F_XDP_DEV_BOUND_ONLY, Linux 6.3: program bound to one device (needed for the
// RX metadata kfuncs such as bpf_xdp_metadata_rx_timestamp).
inline constexpr std::uint32_t bpf_f_xdp_dev_bound_only = 1U << 6;
// BPF_F_XDP_HAS_FRAGS, Linux 5.18: the program handles multi-buffer frames.
inline constexpr std::uint32_t bpf_f_xdp_has_frags = 1U << 5;

inline constexpr std::uint32_t attach_skb_mode = XDP_FLAGS_SKB_MODE;
inline constexpr std::uint32_t attach_drv_mode = XDP_FLAGS_DRV_MODE;

// ---- structs --------------------------------------------------------------------------

// struct xdp_umem_reg as of Linux 6.8 (tx_metadata_len added). Before 6.8 the
// last four bytes were implicit padding; the kernel requires them to be zero, so
// this layout is accepted by every kernel since 5.4 (flags) as long as
// tx_metadata_len stays 0 where unsupported.
struct UmemReg {
    std::uint64_t addr = 0;
    std::uint64_t len = 0;
    std::uint32_t chunk_size = 0;
    std::uint32_t headroom = 0;
    std::uint32_t flags = 0;
    std::uint32_t tx_metadata_len = 0;
};
static_assert(sizeof(UmemReg) == 32);
static_assert(offsetof(UmemReg, chunk_size) == 16);
static_assert(offsetof(UmemReg, flags) == 24);
static_assert(offsetof(UmemReg, tx_metadata_len) == 28);
static_assert(sizeof(UmemReg) == sizeof(xdp_umem_reg), "same optlen as the installed header");
static_assert(offsetof(UmemReg, flags) == offsetof(xdp_umem_reg, flags));
#if HAVE_XDP_UMEM_REG_TX_METADATA_LEN
static_assert(offsetof(UmemReg, tx_metadata_len) == offsetof(xdp_umem_reg, tx_metadata_len));
#endif

// struct xsk_tx_metadata as of Linux 6.14 (launch_time). Lives tx_metadata_len
// bytes before a TX frame whose descriptor has desc_tx_metadata set.
struct XskTxMetadata {
    std::uint64_t flags = 0;
    // Named, since an anonymous union may only hold named types in ISO C++.
    struct Request {
        std::uint16_t csum_start;   // from the frame start
        std::uint16_t csum_offset;  // from csum_start
        std::uint64_t launch_time;  // PTP hardware clock ns
    };
    struct Completion {
        std::uint64_t tx_timestamp;
    };
    union {
        Request request;
        Completion completion;
    };
};
static_assert(sizeof(XskTxMetadata) == 24);
static_assert(offsetof(XskTxMetadata, request.csum_start) == 8);
static_assert(offsetof(XskTxMetadata, request.csum_offset) == 10);
static_assert(offsetof(XskTxMetadata, request.launch_time) == 16);
static_assert(offsetof(XskTxMetadata, completion.tx_timestamp) == 8);
#ifdef XDP_TXMD_FLAGS_LAUNCH_TIME
static_assert(sizeof(XskTxMetadata) == sizeof(struct xsk_tx_metadata));
#endif

// The structs the installed header does have: the layout this code relies on.
static_assert(sizeof(sockaddr_xdp) == 16);
static_assert(offsetof(sockaddr_xdp, sxdp_flags) == 2);
static_assert(offsetof(sockaddr_xdp, sxdp_ifindex) == 4);
static_assert(offsetof(sockaddr_xdp, sxdp_queue_id) == 8);
static_assert(offsetof(sockaddr_xdp, sxdp_shared_umem_fd) == 12);
static_assert(sizeof(xdp_ring_offset) == 32, "the flags offset (Linux 5.4) is present");
static_assert(sizeof(xdp_mmap_offsets) == 4 * sizeof(xdp_ring_offset));
static_assert(sizeof(xdp_desc) == 16);
static_assert(offsetof(xdp_desc, len) == 8);
static_assert(offsetof(xdp_desc, options) == 12);
static_assert(sizeof(xdp_statistics) == 48, "all six counters (Linux 5.9)");
static_assert(sizeof(xdp_options) == 4);

}  // namespace netring::xdp
