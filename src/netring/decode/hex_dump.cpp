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

void hex_only(std::string &out, const std::uint8_t *p, std::size_t n)
{
    auto it = std::back_inserter(out);
    for (std::size_t i = 0; i < n; i += 2) {
        if (i % bytes_per_line == 0)
            fmt::format_to(it, "\n\t0x{:04x}: ", i);
        if (i + 1 < n)
            fmt::format_to(it, " {:02x}{:02x}", p[i], p[i + 1]);
        else
            fmt::format_to(it, " {:02x}", p[i]);
    }
}

void hex_and_ascii(std::string &out, const std::uint8_t *p, std::size_t n)
{
    auto it = std::back_inserter(out);
    for (std::size_t line = 0; line < n; line += bytes_per_line) {
        const std::size_t end = std::min(n, line + bytes_per_line);
        std::string hex;
        std::string ascii;
        for (std::size_t i = line; i < end; i += 2) {
            if (i + 1 < end)
                fmt::format_to(std::back_inserter(hex), " {:02x}{:02x}", p[i], p[i + 1]);
            else
                fmt::format_to(std::back_inserter(hex), " {:02x}", p[i]);
        }
        for (std::size_t i = line; i < end; ++i)
            ascii += printable(p[i]);
        fmt::format_to(it, "\n\t0x{:04x}: {:<{}}  {}", line, hex, hex_width, ascii);
    }
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
    // The tag types tcpdump 4.99 walks: 802.1Q, 802.1ad, and the two
    // pre-standard QinQ types.
    while (type == 0x8100 || type == 0x88a8 || type == 0x9100 || type == 0x9200) {
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
    if (frame.caplen <= skip)
        return out;
    if (style.ascii)
        hex_and_ascii(out, frame.data + skip, frame.caplen - skip);
    else
        hex_only(out, frame.data + skip, frame.caplen - skip);
    return out;
}

}  // namespace netring
