// SPDX-License-Identifier: GPL-2.0-or-later
// tcpdump's -x, -xx, -X and -XX: a frame's bytes in hex (and ASCII) under its summary line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "netring/pcap/frame.h"

namespace netring {

struct HexDumpStyle {
    bool ascii = false;       // -X: hex and ASCII side by side; -x: hex only
    bool link_layer = false;  // -xx, -XX: from the first byte, not after the Ethernet header
};

// The link-layer header that -x and -X leave out, as tcpdump 4.99 counts it:
// the Ethernet header, its VLAN tags, and after an 802.3 length field an
// 802.2 LLC header (with SNAP's five bytes). Never more than caplen.
std::size_t ethernet_header_length(const std::uint8_t *data, std::size_t caplen, std::size_t wirelen);
// The LLC part of that: p holds caplen bytes of a payload that the 802.3
// length field says is `length` long.
std::size_t llc_header_length(const std::uint8_t *p, std::size_t caplen, std::size_t length);

// The dump, line for line as tcpdump prints it: each line starts with
// "\n\t0x0000:" (so it follows the summary line), with 16 bytes per line.
// Empty when nothing is left after the link-layer header.
std::string hex_dump(const Frame &frame, HexDumpStyle style);

}  // namespace netring
