// SPDX-License-Identifier: GPL-2.0-or-later
// Assembles netring's XDP program instruction by instruction (no clang at build time).
#include "netring/afxdp/xsk_program.h"

#include <cstddef>

#include "netring/afxdp/bpf_insn.h"
#include "netring/afxdp/rx_metadata.h"

namespace netring::xdp {

std::vector<bpf::Insn> xsk_redirect_program(int xskmap_fd, std::int32_t stamp_helper, std::uint32_t clock)
{
    using namespace netring::bpf;
    constexpr auto meta_len = static_cast<std::int32_t>(sizeof(RxMeta));
    constexpr auto off_data = static_cast<std::int16_t>(offsetof(xdp_md, data));
    constexpr auto off_data_meta = static_cast<std::int16_t>(offsetof(xdp_md, data_meta));
    constexpr auto off_queue = static_cast<std::int16_t>(offsetof(xdp_md, rx_queue_index));

    Assembler a;
    const auto redirect = a.new_label();

    a.emit(mov64_reg(r6, r1));  // r6 = ctx, kept across calls (r1-r5 are clobbered)
    a.emit(call(stamp_helper));
    a.emit(mov64_reg(r7, r0));  // r7 = now

    a.emit(mov64_reg(r1, r6));
    a.emit(mov64_imm(r2, -meta_len));
    a.emit(call(BPF_FUNC_xdp_adjust_meta));
    a.jump_imm(BPF_JNE, r0, 0, redirect);

    // Packet pointers must be reloaded after adjust_meta; the verifier wants the
    // explicit bound check before the stores.
    a.emit(load_mem(BPF_W, r2, r6, off_data_meta));
    a.emit(load_mem(BPF_W, r3, r6, off_data));
    a.emit(mov64_reg(r4, r2));
    a.emit(add64_imm(r4, meta_len));
    a.jump_reg(BPF_JGT, r4, r3, redirect);
    a.emit(store_reg(BPF_DW, r2, r7, static_cast<std::int16_t>(offsetof(RxMeta, rx_ns))));
    a.emit(store_imm(BPF_W, r2, static_cast<std::int16_t>(offsetof(RxMeta, clock)), static_cast<std::int32_t>(clock)));
    a.emit(store_imm(BPF_W, r2, static_cast<std::int16_t>(offsetof(RxMeta, magic)),
                     static_cast<std::int32_t>(rx_meta_magic)));

    a.bind(redirect);
    a.emit(load_mem(BPF_W, r2, r6, off_queue));
    a.load_map_fd(r1, xskmap_fd);
    a.emit(mov64_imm(r3, XDP_PASS));
    a.emit(call(BPF_FUNC_redirect_map));
    a.emit(exit_insn());
    return a.finish();
}

}  // namespace netring::xdp
