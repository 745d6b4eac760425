// SPDX-License-Identifier: GPL-2.0-or-later
// The kernel ABI values and layouts netring relies on (also checked at compile time).
#include <cstddef>

#include "catch.h"
#include "netring/afxdp/abi.h"

namespace xdp = netring::xdp;

TEST_CASE("constants missing from older headers have the kernel's values")
{
    CHECK(xdp::bind_use_sg == 16);
    CHECK(xdp::umem_tx_sw_csum == 2);
    CHECK(xdp::umem_tx_metadata_len == 4);
    CHECK(xdp::opt_max_tx_skb_budget == 9);
    CHECK(xdp::txmd_timestamp == 1);
    CHECK(xdp::txmd_checksum == 2);
    CHECK(xdp::txmd_launch_time == 4);
    CHECK(xdp::desc_pkt_contd == 1);
    CHECK(xdp::desc_tx_metadata == 2);
    CHECK(xdp::bpf_f_xdp_dev_bound_only == 64);
    CHECK(xdp::pgoff_fill_ring == 0x100000000L);
    CHECK(xdp::pgoff_completion_ring == 0x180000000L);
}

TEST_CASE("struct layouts match the kernel's")
{
    CHECK(sizeof(xdp::UmemReg) == 32);
    CHECK(offsetof(xdp::UmemReg, tx_metadata_len) == 28);
    CHECK(sizeof(xdp::XskTxMetadata) == 24);
    CHECK(offsetof(xdp::XskTxMetadata, request.launch_time) == 16);
    CHECK(sizeof(sockaddr_xdp) == 16);
    CHECK(sizeof(xdp_desc) == 16);
    CHECK(sizeof(xdp_statistics) == 48);
    CHECK(sizeof(xdp_mmap_offsets) == 128);
}
