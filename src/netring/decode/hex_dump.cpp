// SPDX-License-Identifier: GPL-2.0-or-later
// Hex dumps laid out byte for byte as tcpdump's print-ascii.c lays them out.
#include "netring/decode/hex_dump.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

namespace netring {

namespace {

constexpr std::size_t bytes_per_line = 16;
// tcpdump pads the hex of a short last line to this width before the ASCII.
constexpr std::size_t hex_width = 40;

// As tcpdump's ND_ASCII_ISGRAPH: printable and not a space.
char printable(std::uint8_t c) { return c > 0x20 && c <= 0x7e ? static_cast<char>(c) : '.'; }

// One line of tcpdump's dump: groups of two bytes, an odd last byte alone;
// -X pads the hex to a fixed width and adds the bytes that print.
void dump_line(std::string &out, const std::uint8_t *p, std::size_t offset, std::size_t end, bool ascii)
{
    std::string hex;
    for (std::size_t i = offset; i < end; i += 2) {
        if (i + 1 < end)
            fmt::format_to(std::back_inserter(hex), " {:02x}{:02x}", p[i], p[i + 1]);
        else
            fmt::format_to(std::back_inserter(hex), " {:02x}", p[i]);
    }
    if (!ascii) {
        fmt::format_to(std::back_inserter(out), "\n\t0x{:04x}: {}", offset, hex);
        return;
    }
    std::string text;
    for (std::size_t i = offset; i < end; ++i)
        text += printable(p[i]);
    fmt::format_to(std::back_inserter(out), "\n\t0x{:04x}: {:<{}}  {}", offset, hex, hex_width, text);
}

}  // namespace

std::size_t llc_header_length(const std::uint8_t *p, std::size_t caplen, std::size_t length)
{
    // What tcpdump's llc_print() returns, in its order: a cut header is all
    // header; a U-format control field is one byte, I and S formats two.
    if (caplen < 3 || length < 3)
        return std::min(caplen, length);
    const std::uint8_t dsap = p[0];
    const std::uint8_t ssap = p[1];
    const std::uint8_t control = p[2];
    std::size_t len = 3;
    if ((control & 0x03) != 0x03) {
        if (caplen < 4 || length < 4)
            return std::min(caplen, length);
        len = 4;
    }
    if (dsap == 0xff && ssap == 0xff)
        return 0;  // Novell's raw 802.3 IPX: no LLC header at all
    if ((dsap & 0xfe) == 0xaa && (ssap & 0xfe) == 0xaa && control == 0x03)
        return len + 5;  // SNAP: an OUI and a type
    return len;
}

std::size_t ethernet_header_length(const std::uint8_t *data, std::size_t caplen, std::size_t wirelen)
{
    if (caplen < 14)
        return caplen;
    std::size_t len = 14;
    auto type_at = [data](std::size_t off) { return static_cast<std::uint16_t>(data[off] << 8 | data[off + 1]); };
    std::uint16_t type = type_at(12);
    while (is_vlan_tag_type(type)) {
        if (len + 4 > caplen)
            return caplen;
        type = type_at(len + 2);
        len += 4;
    }
    // An 802.3 length field, or Alteon's jumbo type: an 802.2 LLC header
    // follows, and tcpdump counts it (and SNAP's) as link layer too.
    if (type <= 1500)
        return len + llc_header_length(data + len, caplen - len, type);
    if (type == 0x8870)
        return len + llc_header_length(data + len, caplen - len, wirelen > len ? wirelen - len : 0);
    return len;
}

std::string hex_dump(const Frame &frame, HexDumpStyle style)
{
    const std::size_t skip = style.link_layer ? 0 : ethernet_header_length(frame.data, frame.caplen, frame.wirelen);
    std::string out;
    const std::uint8_t *p = frame.data + skip;
    const std::size_t n = frame.caplen - skip;
    for (std::size_t line = 0; line < n; line += bytes_per_line)
        dump_line(out, p, line, std::min(n, line + bytes_per_line), style.ascii);
    return out;
}

}  // namespace netring
