// SPDX-License-Identifier: GPL-2.0-or-later
// A tcpdump-like one-line decoder of Ethernet, VLAN, ARP, IPv4, IPv6, TCP, UDP.
#include "netring/decode/frame_summary.h"

#include <arpa/inet.h>
#include <ctime>
#include <iterator>

#include <fmt/format.h>

namespace netring {

namespace {

class Cursor {
public:
    Cursor(const std::uint8_t *p, std::uint32_t n) : p_(p), n_(n) {}
    [[nodiscard]] bool has(std::uint32_t k) const { return off_ + k <= n_; }
    [[nodiscard]] std::uint8_t u8(std::uint32_t at) const { return p_[off_ + at]; }
    [[nodiscard]] std::uint16_t u16(std::uint32_t at) const
    {
        return static_cast<std::uint16_t>(p_[off_ + at] << 8 | p_[off_ + at + 1]);
    }
    [[nodiscard]] const std::uint8_t *at(std::uint32_t k) const { return p_ + off_ + k; }
    void skip(std::uint32_t k) { off_ += k; }

private:
    const std::uint8_t *p_;
    std::uint32_t n_;
    std::uint32_t off_ = 0;
};

std::string mac(const std::uint8_t *m)
{
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}

std::string address(int family, const std::uint8_t *p)
{
    char buf[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(family, p, buf, sizeof(buf));
    return buf;
}

void transport(std::string &out, Cursor c, std::uint8_t proto, const std::string &src, const std::string &dst)
{
    const char *name = proto == 6 ? "TCP" : proto == 17 ? "UDP" : proto == 132 ? "SCTP" : nullptr;
    if (name != nullptr && c.has(4)) {
        fmt::format_to(std::back_inserter(out), " {}.{} > {}.{} {}", src, c.u16(0), dst, c.u16(2), name);
        return;
    }
    const char *other = proto == 1 ? "ICMP" : proto == 58 ? "ICMPv6" : proto == 2 ? "IGMP" : nullptr;
    if (other != nullptr)
        fmt::format_to(std::back_inserter(out), " {} > {} {}", src, dst, other);
    else
        fmt::format_to(std::back_inserter(out), " {} > {} proto {}", src, dst, proto);
}

}  // namespace

std::string summarize_frame(const Frame &f)
{
    std::string out;
    const std::time_t secs = static_cast<std::time_t>(f.ts_ns / 1'000'000'000ULL);
    std::tm tm{};
    ::localtime_r(&secs, &tm);
    fmt::format_to(std::back_inserter(out), "{:02}:{:02}:{:02}.{:09} {}", tm.tm_hour, tm.tm_min, tm.tm_sec,
                   f.ts_ns % 1'000'000'000ULL, f.wirelen);
    Cursor c(f.data, f.caplen);
    if (!c.has(14)) {
        out += " truncated Ethernet header";
        return out;
    }
    fmt::format_to(std::back_inserter(out), " {} > {}", mac(c.at(6)), mac(c.at(0)));
    std::uint16_t type = c.u16(12);
    c.skip(14);
    while (is_vlan_tag_type(type) && c.has(4)) {
        fmt::format_to(std::back_inserter(out), " vlan {}", c.u16(0) & 0x0fff);
        type = c.u16(2);
        c.skip(4);
    }
    if (type < 0x0600) {
        fmt::format_to(std::back_inserter(out), " 802.3 length {}", type);
        return out;
    }
    switch (type) {
    case 0x0800:
        if (c.has(20) && (c.u8(0) >> 4) == 4) {
            const std::uint32_t ihl = (c.u8(0) & 0x0f) * 4U;
            const std::uint8_t proto = c.u8(9);
            const std::string src = address(AF_INET, c.at(12));
            const std::string dst = address(AF_INET, c.at(16));
            out += " IPv4";
            const bool first_fragment = (c.u16(6) & 0x1fff) == 0;
            c.skip(ihl);
            if (first_fragment)
                transport(out, c, proto, src, dst);
            else
                fmt::format_to(std::back_inserter(out), " {} > {} fragment", src, dst);
        } else {
            out += " IPv4 truncated";
        }
        break;
    case 0x86dd:
        if (c.has(40)) {
            const std::uint8_t next = c.u8(6);
            const std::string src = address(AF_INET6, c.at(8));
            const std::string dst = address(AF_INET6, c.at(24));
            out += " IPv6";
            c.skip(40);
            transport(out, c, next, src, dst);
        } else {
            out += " IPv6 truncated";
        }
        break;
    case 0x0806:
        if (c.has(28) && c.u16(6) == 1)
            fmt::format_to(std::back_inserter(out), " ARP who-has {} tell {}", address(AF_INET, c.at(24)),
                           address(AF_INET, c.at(14)));
        else if (c.has(28) && c.u16(6) == 2)
            fmt::format_to(std::back_inserter(out), " ARP reply {} is-at {}", address(AF_INET, c.at(14)),
                           mac(c.at(8)));
        else
            out += " ARP";
        break;
    default:
        fmt::format_to(std::back_inserter(out), " ethertype 0x{:04x}", type);
    }
    return out;
}

}  // namespace netring
