// SPDX-License-Identifier: GPL-2.0-or-later
// The bytecode of netring's XDP program: timestamp into metadata, redirect to the queue's socket.
#pragma once

#include <cstdint>
#include <vector>

#include "netring/afxdp/bpf_insn.h"

namespace netring::xdp {

// The program, in C terms:
//
//   int netring_xsk(struct xdp_md *ctx) {
//       u64 now = <stamp_helper>();
//       if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(struct RxMeta)) == 0) {
//           struct RxMeta *m = (void *)(long)ctx->data_meta;
//           if ((void *)(m + 1) <= (void *)(long)ctx->data)
//               *m = (struct RxMeta){now, <clock>, rx_meta_magic};
//       }
//       return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
//   }
//
// A driver without metadata support fails the adjust; the frame is still
// redirected and the reader falls back to its own timestamp. XDP_PASS in the
// flags is what bpf_redirect_map returns when the queue has no socket, so such
// frames go on to the stack.
// stamp_helper is BPF_FUNC_ktime_get_tai_ns (clock CLOCK_TAI) or
// BPF_FUNC_ktime_get_ns (CLOCK_MONOTONIC).
std::vector<bpf::Insn> xsk_redirect_program(int xskmap_fd, std::int32_t stamp_helper, std::uint32_t clock);

}  // namespace netring::xdp
