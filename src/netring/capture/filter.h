// SPDX-License-Identifier: GPL-2.0-or-later
// Filter: a libpcap expression compiled once, for the kernel and user space.
#pragma once

#include <cstdint>
#include <string>

#include <pcap/pcap.h>

#include "netring/base/result.h"

namespace netring {

// Owns a compiled BPF program. Besides the expression's verdict, the program
// returns the snap length, so attaching it to a socket also makes the kernel
// cut frames at snaplen before copying them.
class Filter {
public:
    // An empty expression keeps every frame. Errors carry libpcap's message.
    // The program tests frames as they are in a file: VLAN tags in the data.
    static Result<Filter> compile(const std::string &expression, std::uint32_t snaplen, int linktype = DLT_EN10MB);

    // The program tcpdump would attach to a Linux packet socket on this
    // interface: libpcap compiles VLAN tests into loads of the tag that the
    // kernel keeps beside the frame, so the kernel can run every expression
    // and a clause without "vlan" matches tagged frames too, as in tcpdump.
    // That needs a live libpcap handle (CAP_NET_RAW); without one it falls
    // back to compile(), and VLAN tests then run in user space.
    static Result<Filter> compile_for_interface(const std::string &expression, std::uint32_t snaplen,
                                                const std::string &interface);

    Filter(Filter &&other) noexcept;
    Filter &operator=(Filter &&other) noexcept;
    Filter(const Filter &) = delete;
    Filter &operator=(const Filter &) = delete;
    ~Filter();

    [[nodiscard]] const bpf_program &program() const { return prog_; }
    [[nodiscard]] const std::string &expression() const { return expression_; }
    // True when the kernel cannot run this expression on Linux sockets: VLAN
    // tests look for the tag in the frame, and the kernel has already moved it
    // into metadata. Such expressions are matched in user space after the tag
    // is put back.
    [[nodiscard]] bool needs_user_space() const { return user_space_; }
    // True when the program keeps every frame (no expression).
    [[nodiscard]] bool accepts_all() const { return expression_.empty(); }

    // pcap_offline_filter() on a frame as it will be written.
    [[nodiscard]] bool matches(const std::uint8_t *data, std::uint32_t caplen, std::uint32_t wirelen) const;

private:
    Filter() = default;
    bpf_program prog_{};
    std::string expression_;
    bool user_space_ = false;
};

// Whether an expression tests VLAN tags (the word "vlan" as a primitive).
bool expression_uses_vlan(const std::string &expression);

}  // namespace netring
