// SPDX-License-Identifier: GPL-2.0-or-later
// FileSummary: what capinfos says of a pcap or pcapng file, read through libpcap.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "netring/base/result.h"
#include "netring/stats/pcapng_statistics.h"

namespace netring::stats {

struct FileSummary {
    std::string format;  // "pcap" or "pcapng"
    int linktype = 0;    // DLT_ value as libpcap reports it
    std::string linktype_name;         // "EN10MB"
    std::string linktype_description;  // "Ethernet"
    std::uint64_t frames = 0;
    std::uint64_t captured_bytes = 0;  // sum of captured lengths (bytes in the file)
    std::uint64_t wire_bytes = 0;      // sum of original lengths (capinfos' "data size")
    std::uint64_t first_ns = 0;        // earliest timestamp, ns since the epoch
    std::uint64_t last_ns = 0;         // latest timestamp
    bool time_ordered = true;          // no frame older than the one before it
    std::uint32_t wire_min = 0;        // original (wire) length of frames
    std::uint32_t wire_max = 0;
    std::uint32_t caplen_max = 0;
    std::uint64_t snapped = 0;  // frames cut at a snap length (captured < original)
    std::vector<InterfaceStatistics> statistics;  // pcapng ISBs, file order

    // false when reading stopped early; then problem says why and
    // stopped_at is the byte offset just past the last whole frame read.
    bool complete = true;
    std::string problem;
    std::uint64_t stopped_at = 0;
    std::uint64_t file_size = 0;

    [[nodiscard]] std::uint64_t duration_ns() const { return frames == 0 ? 0 : last_ns - first_ns; }
    [[nodiscard]] double average_pps() const;
    [[nodiscard]] double average_bps() const;  // wire bytes, as capinfos' data bit rate
    [[nodiscard]] double average_wire_len() const;
};

// An Error only when the file cannot be read at all (missing, unreadable, a
// directory, not a capture file); damage after a good start gives a summary
// with complete == false.
Result<FileSummary> summarise_file(const std::string &path);

}  // namespace netring::stats
