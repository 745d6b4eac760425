// SPDX-License-Identifier: GPL-2.0-or-later
// BPF instruction encoding and a tiny assembler with forward labels.
//
// Encodings follow Documentation/bpf/standardization/instruction-set.rst:
// 8-byte instructions {opcode, dst:4, src:4, off:16, imm:32}; a 64-bit
// immediate load is two instructions, and with src = BPF_PSEUDO_MAP_FD its imm
// is a map fd that the kernel replaces by the map at load time.
#pragma once

#include <cstdint>
#include <linux/bpf.h>
#include <vector>

namespace netring::bpf {

// The kernel's struct bpf_insn, under a name of our own: libpcap's
// <pcap/bpf.h> defines a different struct bpf_insn (classic BPF), and a
// program holding both breaks the one-definition rule, which link-time
// optimisation reports and may act on.
struct Insn {
    std::uint8_t code;
    std::uint8_t dst_reg : 4;
    std::uint8_t src_reg : 4;
    std::int16_t off;
    std::int32_t imm;
};
static_assert(sizeof(Insn) == sizeof(::bpf_insn));

enum Reg : std::uint8_t { r0 = 0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10 };

constexpr Insn make_insn(std::uint8_t code, std::uint8_t dst, std::uint8_t src, std::int16_t off,
                         std::int32_t imm)
{
    Insn insn{};
    insn.code = code;
    insn.dst_reg = dst & 0xf;
    insn.src_reg = src & 0xf;
    insn.off = off;
    insn.imm = imm;
    return insn;
}

// That every field sits where the kernel's struct bpf_insn has it is checked
// by a unit test (afxdp/program_test.cpp), under both compilers: Clang 14
// cannot bit_cast a struct with bit-fields in a constant expression.

constexpr Insn mov64_reg(Reg dst, Reg src) { return make_insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0); }
constexpr Insn mov64_imm(Reg dst, std::int32_t imm)
{
    return make_insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}
constexpr Insn add64_imm(Reg dst, std::int32_t imm)
{
    return make_insn(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm);
}
// dst = *(size *)(src + off)
constexpr Insn load_mem(std::uint8_t size, Reg dst, Reg src, std::int16_t off)
{
    return make_insn(BPF_LDX | BPF_MEM | size, dst, src, off, 0);
}
// *(size *)(dst + off) = src
constexpr Insn store_reg(std::uint8_t size, Reg dst, Reg src, std::int16_t off)
{
    return make_insn(BPF_STX | BPF_MEM | size, dst, src, off, 0);
}
// *(size *)(dst + off) = imm
constexpr Insn store_imm(std::uint8_t size, Reg dst, std::int16_t off, std::int32_t imm)
{
    return make_insn(BPF_ST | BPF_MEM | size, dst, 0, off, imm);
}
constexpr Insn call(std::int32_t helper) { return make_insn(BPF_JMP | BPF_CALL, 0, 0, 0, helper); }
constexpr Insn exit_insn() { return make_insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

// Appends instructions; jumps name a label that bind() places later.
class Assembler {
public:
    using Label = std::size_t;

    void emit(const Insn &insn) { insns_.push_back(insn); }
    // dst = map (two instructions).
    void load_map_fd(Reg dst, int map_fd)
    {
        emit(make_insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, map_fd));
        emit(make_insn(0, 0, 0, 0, 0));  // upper 32 bits of the immediate
    }
    Label new_label()
    {
        targets_.push_back(unbound);
        return targets_.size() - 1;
    }
    // if (dst op imm) goto label
    void jump_imm(std::uint8_t op, Reg dst, std::int32_t imm, Label to)
    {
        fixups_.push_back({insns_.size(), to});
        emit(make_insn(BPF_JMP | op | BPF_K, dst, 0, 0, imm));
    }
    // if (dst op src) goto label
    void jump_reg(std::uint8_t op, Reg dst, Reg src, Label to)
    {
        fixups_.push_back({insns_.size(), to});
        emit(make_insn(BPF_JMP | op | BPF_X, dst, src, 0, 0));
    }
    void bind(Label label) { targets_[label] = insns_.size(); }

    // The program with every jump offset resolved (relative to the next
    // instruction); empty if a label was never bound.
    [[nodiscard]] std::vector<Insn> finish() const
    {
        std::vector<Insn> out = insns_;
        for (const auto &f : fixups_) {
            if (targets_[f.label] == unbound)
                return {};
            out[f.at].off = static_cast<std::int16_t>(static_cast<long>(targets_[f.label]) -
                                                      static_cast<long>(f.at) - 1);
        }
        return out;
    }

private:
    static constexpr std::size_t unbound = static_cast<std::size_t>(-1);
    struct Fixup {
        std::size_t at;
        Label label;
    };
    std::vector<Insn> insns_;
    std::vector<std::size_t> targets_;
    std::vector<Fixup> fixups_;
};

}  // namespace netring::bpf
