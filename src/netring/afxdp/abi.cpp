// SPDX-License-Identifier: GPL-2.0-or-later
// Compile-time checks of abi.h's BPF values against <linux/bpf.h> (which abi.h cannot include).
#include "netring/afxdp/abi.h"

#include <linux/bpf.h>

namespace netring::xdp {

static_assert(bpf_f_xdp_has_frags == BPF_F_XDP_HAS_FRAGS);
#ifdef BPF_F_XDP_DEV_BOUND_ONLY
static_assert(bpf_f_xdp_dev_bound_only == BPF_F_XDP_DEV_BOUND_ONLY);
#endif
// The xdp_md fields the built-in program uses (bpf_insn.h checks the instruction encoding).
static_assert(offsetof(xdp_md, data) == 0);
static_assert(offsetof(xdp_md, data_end) == 4);
static_assert(offsetof(xdp_md, data_meta) == 8);
static_assert(offsetof(xdp_md, rx_queue_index) == 16);

}  // namespace netring::xdp
