// SPDX-License-Identifier: GPL-2.0-or-later
// CaptureOptions: what `netring capture`'s command line asked for.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rotation_options.h"

namespace netring::cli {

inline constexpr std::uint32_t max_snaplen = 262144;
inline constexpr double default_reorder_window_ms = 100;

struct CaptureOptions {
    std::string interface;
    std::string write_to;
    std::uint64_t count = 0;
    std::uint32_t snaplen = max_snaplen;
    bool no_promiscuous = false;
    std::string direction = "inout";
    std::size_t buffer_kib = 32768;  // per socket / queue
    std::vector<std::string> autostop;
    double duration = 0;
    std::string format = "pcapng";
    std::string precision = "nano";
    bool quiet = false;
    bool verbose = false;
    bool print = false;  // --print: a line per frame on stdout, besides -w FILE or instead of a pcapng pipe
    bool line_buffered = false;    // -l
    int hex = 0;                   // -x, -xx: how many times given
    int hex_ascii = 0;             // -X, -XX
    bool list_interfaces = false;  // -D
    std::vector<std::string> filter_words;
    std::string backend = "packet";
    std::uint32_t queue = 0;
    std::string queues;  // xdp: "0-3", "all": one socket and thread per queue
    unsigned threads = 1;  // packet: sockets in one fanout group, a thread each
    std::string fanout;  // empty: hash
    bool unordered = false;
    double reorder_window_ms = default_reorder_window_ms;
    bool zero_copy = false;
    std::string xdp_mode;
    std::string xsk_map;
    std::string user;  // -Z
    RotationOptions rotation;

    [[nodiscard]] bool several_sockets() const { return threads > 1 || !queues.empty(); }
};

}  // namespace netring::cli
