// SPDX-License-Identifier: GPL-2.0-or-later
// The Interface Statistics Blocks of a pcapng file, which libpcap reads past without exposing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netring::stats {

// One ISB: the counters of one interface of one section at one time (a file
// may hold several per interface; later ones supersede earlier ones).
struct InterfaceStatistics {
    std::uint32_t section = 0;    // 0 for the first Section Header Block
    std::uint32_t interface = 0;  // interface id within the section
    std::string name;             // the IDB's if_name, when it has one
    std::optional<std::uint64_t> start_ns;  // isb_starttime, as ns since the epoch
    std::optional<std::uint64_t> end_ns;    // isb_endtime
    std::optional<std::uint64_t> ifrecv;
    std::optional<std::uint64_t> ifdrop;
    std::optional<std::uint64_t> filteraccept;
    std::optional<std::uint64_t> osdrop;
    std::optional<std::uint64_t> usrdeliv;
};

struct PcapngStatistics {
    std::vector<InterfaceStatistics> blocks;  // in file order
    // Empty when the block chain was whole; otherwise what was wrong and the
    // offset of the block where reading stopped.
    std::string problem;
    std::uint64_t problem_offset = 0;
};

// Walks the block chain of a pcapng file (bounds-checked: block lengths,
// option lengths, both byte orders, several sections) and decodes every ISB.
// Never reads past a block's stated end nor trusts a length it cannot check.
PcapngStatistics read_pcapng_statistics(const std::string &path);

// The same over bytes already in memory (what the file variant reads).
PcapngStatistics parse_pcapng_statistics(const std::uint8_t *data, std::size_t size);

}  // namespace netring::stats
