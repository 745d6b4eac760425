// SPDX-License-Identifier: GPL-2.0-or-later
// The built-in XDP program's encoding: map fd load, jump targets, metadata stores, helpers.
#include <bit>
#include <cstddef>
#include <cstdlib>
#include <ctime>
#include <linux/bpf.h>
#include <utility>
#include <vector>

#include "catch.h"
#include "netring/afxdp/bpf_insn.h"
#include "netring/afxdp/rx_metadata.h"
#include "netring/afxdp/xsk_program.h"

using namespace netring;

namespace {

bool is_call(const bpf::Insn &i, int helper) { return i.code == (BPF_JMP | BPF_CALL) && i.imm == helper; }
bool is_jump(const bpf::Insn &i)
{
    const auto op = static_cast<std::uint8_t>(i.code & 0xf0);
    return (i.code & 0x07) == BPF_JMP && op != BPF_CALL && op != BPF_EXIT;
}

}  // namespace

TEST_CASE("an instruction's fields sit where the kernel's struct bpf_insn has them")
{
    // At run time: Clang 14 cannot bit_cast bit-fields in a constant expression.
    const auto k = std::bit_cast<::bpf_insn>(bpf::make_insn(0x12, 3, 4, -5, 0x6789abc));
    CHECK(k.code == 0x12);
    CHECK(k.dst_reg == 3);
    CHECK(k.src_reg == 4);
    CHECK(k.off == -5);
    CHECK(k.imm == 0x6789abc);
}

TEST_CASE("the program redirects to the XSKMAP given by fd, passing when no socket")
{
    const auto p = xdp::xsk_redirect_program(42, BPF_FUNC_ktime_get_tai_ns, CLOCK_TAI);
    REQUIRE(p.size() > 10);
    CHECK(p.back().code == (BPF_JMP | BPF_EXIT));
    CHECK(is_call(p[p.size() - 2], BPF_FUNC_redirect_map));
    // r3 = XDP_PASS: the fallback action when the map has no socket for the queue.
    CHECK(p[p.size() - 3].code == (BPF_ALU64 | BPF_MOV | BPF_K));
    CHECK(p[p.size() - 3].dst_reg == bpf::r3);
    CHECK(p[p.size() - 3].imm == XDP_PASS);
    // r1 = map: a two-instruction ld_imm64 with src = BPF_PSEUDO_MAP_FD.
    const bpf::Insn &ld = p[p.size() - 5];
    CHECK(ld.code == (BPF_LD | BPF_DW | BPF_IMM));
    CHECK(ld.src_reg == BPF_PSEUDO_MAP_FD);
    CHECK(ld.dst_reg == bpf::r1);
    CHECK(ld.imm == 42);
    CHECK(p[p.size() - 4].code == 0);
    CHECK(p[p.size() - 4].imm == 0);
    // r2 = ctx->rx_queue_index, from the saved context.
    const bpf::Insn &queue = p[p.size() - 6];
    CHECK(queue.code == (BPF_LDX | BPF_MEM | BPF_W));
    CHECK(queue.src_reg == bpf::r6);
    CHECK(queue.off == offsetof(xdp_md, rx_queue_index));
}

TEST_CASE("every jump lands inside the program, on the redirect")
{
    const auto p = xdp::xsk_redirect_program(3, BPF_FUNC_ktime_get_ns, CLOCK_MONOTONIC);
    const long redirect = static_cast<long>(p.size()) - 6;  // the rx_queue_index load
    int jumps = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (!is_jump(p[i]))
            continue;
        ++jumps;
        const long target = static_cast<long>(i) + 1 + p[i].off;
        CHECK(target == redirect);
    }
    CHECK(jumps == 2);  // adjust_meta failed; metadata out of bounds
}

TEST_CASE("the metadata record is stamped with the chosen helper and clock")
{
    for (const auto &[helper, clock] : {std::pair{int{BPF_FUNC_ktime_get_tai_ns}, std::uint32_t{CLOCK_TAI}},
                                        std::pair{int{BPF_FUNC_ktime_get_ns}, std::uint32_t{CLOCK_MONOTONIC}}}) {
        const auto p = xdp::xsk_redirect_program(3, helper, clock);
        CHECK(is_call(p[1], helper));
        bool adjust = false, clock_store = false, magic_store = false, ts_store = false;
        for (const bpf::Insn &i : p) {
            if (is_call(i, BPF_FUNC_xdp_adjust_meta))
                adjust = true;
            if (i.code == (BPF_ST | BPF_MEM | BPF_W) && i.off == offsetof(xdp::RxMeta, clock))
                clock_store = i.imm == static_cast<std::int32_t>(clock);
            if (i.code == (BPF_ST | BPF_MEM | BPF_W) && i.off == offsetof(xdp::RxMeta, magic))
                magic_store = static_cast<std::uint32_t>(i.imm) == xdp::rx_meta_magic;
            if (i.code == (BPF_STX | BPF_MEM | BPF_DW) && i.off == offsetof(xdp::RxMeta, rx_ns))
                ts_store = true;
            if (i.code == (BPF_ALU64 | BPF_MOV | BPF_K) && i.dst_reg == bpf::r2 && i.imm < 0)
                CHECK(i.imm == -static_cast<std::int32_t>(sizeof(xdp::RxMeta)));
        }
        CHECK(adjust);
        CHECK(clock_store);
        CHECK(magic_store);
        CHECK(ts_store);
    }
}

TEST_CASE("an unbound label yields no program rather than a wild jump")
{
    bpf::Assembler a;
    const auto nowhere = a.new_label();
    a.jump_imm(BPF_JEQ, bpf::r0, 0, nowhere);
    a.emit(bpf::exit_insn());
    CHECK(a.finish().empty());
}

TEST_CASE("kernel stamps convert to realtime")
{
    xdp::KernelClock clock;
    clock.sample();
    timespec tai{}, mono{}, real{};
    ::clock_gettime(CLOCK_TAI, &tai);
    ::clock_gettime(CLOCK_MONOTONIC, &mono);
    ::clock_gettime(CLOCK_REALTIME, &real);
    auto ns = [](const timespec &t) {
        return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000ULL + static_cast<std::uint64_t>(t.tv_nsec);
    };
    const auto real_ns = static_cast<std::int64_t>(ns(real));
    // Not a timing claim: a bound of a second only checks that the offsets
    // have the right sign and size (MONOTONIC is decades from REALTIME).
    CHECK(std::llabs(static_cast<std::int64_t>(clock.to_realtime(ns(tai), CLOCK_TAI)) - real_ns) < 1'000'000'000);
    CHECK(std::llabs(static_cast<std::int64_t>(clock.to_realtime(ns(mono), CLOCK_MONOTONIC)) - real_ns) <
          1'000'000'000);
    CHECK(clock.to_realtime(ns(mono), CLOCK_BOOTTIME) == 0);  // unknown clock: no made-up time
}

TEST_CASE("a TAI offset is taken off the stamps, in whole seconds")
{
    // This host's TAI offset may be 0, where adding and subtracting agree:
    // 37 s is what a host with a leap-second table has had since 2017.
    constexpr std::int64_t leap = 37'000'000'000;
    constexpr std::uint64_t real = 1'795'000'000'123'456'789ULL;
    const xdp::KernelClock clock(leap, -1'794'000'000'000'000'000);
    CHECK(clock.to_realtime(real + leap, CLOCK_TAI) == real);
    CHECK(clock.to_realtime(real - 1'794'000'000'000'000'000ULL, CLOCK_MONOTONIC) == real);
    // A measurement a few microseconds either side of 37 s is 37 s.
    CHECK(xdp::whole_seconds(leap + 4'321) == leap);
    CHECK(xdp::whole_seconds(leap - 4'321) == leap);
    CHECK(xdp::whole_seconds(-leap - 4'321) == -leap);
    CHECK(xdp::whole_seconds(-leap + 4'321) == -leap);
    CHECK(xdp::whole_seconds(0) == 0);
}
