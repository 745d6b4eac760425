// SPDX-License-Identifier: GPL-2.0-or-later
// pcapng block and option codes (draft-ietf-opsawg-pcapng), host byte order.
#pragma once

#include <cstdint>

namespace netring::pcapng {

inline constexpr std::uint32_t block_shb = 0x0A0D0D0A;
inline constexpr std::uint32_t block_idb = 0x00000001;
inline constexpr std::uint32_t block_isb = 0x00000005;
inline constexpr std::uint32_t block_epb = 0x00000006;
inline constexpr std::uint32_t byte_order_magic = 0x1A2B3C4D;

inline constexpr std::uint16_t opt_endofopt = 0;
inline constexpr std::uint16_t opt_comment = 1;

inline constexpr std::uint16_t shb_hardware = 2;
inline constexpr std::uint16_t shb_os = 3;
inline constexpr std::uint16_t shb_userappl = 4;

inline constexpr std::uint16_t if_name = 2;
inline constexpr std::uint16_t if_description = 3;
inline constexpr std::uint16_t if_tsresol = 9;
inline constexpr std::uint16_t if_filter = 11;
inline constexpr std::uint16_t if_os = 12;
inline constexpr std::uint16_t if_hardware = 15;

inline constexpr std::uint16_t epb_flags = 2;
inline constexpr std::uint16_t epb_hash = 3;
inline constexpr std::uint16_t epb_dropcount = 4;
inline constexpr std::uint16_t epb_packetid = 5;
inline constexpr std::uint16_t epb_queue = 6;

inline constexpr std::uint16_t isb_starttime = 2;
inline constexpr std::uint16_t isb_endtime = 3;
inline constexpr std::uint16_t isb_ifrecv = 4;
inline constexpr std::uint16_t isb_ifdrop = 5;
inline constexpr std::uint16_t isb_filteraccept = 6;
inline constexpr std::uint16_t isb_osdrop = 7;
inline constexpr std::uint16_t isb_usrdeliv = 8;

// epb_hash's first octet: the hash algorithm. 2 is "Toeplitz" per the
// registry; the kernel's skb hash is most often exactly that (RSS).
inline constexpr std::uint8_t hash_toeplitz = 2;

inline constexpr std::uint32_t pad4(std::uint32_t n) { return (n + 3U) & ~3U; }

}  // namespace netring::pcapng
