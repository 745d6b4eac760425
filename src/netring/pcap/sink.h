// SPDX-License-Identifier: GPL-2.0-or-later
// FrameSink: where captured frames go (pcapng, pcap, terminal lines, ...).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "netring/base/result.h"
#include "netring/pcap/frame.h"

namespace netring {

// What a sink records about each interface it writes frames for (pcapng IDB).
struct InterfaceDescription {
    std::string name;
    std::string description;  // if_description
    std::string hardware;     // if_hardware
    std::string filter;       // if_filter, the libpcap expression
    std::uint16_t linktype = 1;  // LINKTYPE_ETHERNET
    std::uint32_t snaplen = 262144;
    std::uint8_t tsresol = 9;  // 9: nanoseconds, 6: microseconds
};

// Counters at the end of (or during) a capture, per interface (pcapng ISB).
// All 64-bit and cumulative from the start of the capture.
struct InterfaceCounters {
    std::uint64_t start_ns = 0;
    std::uint64_t end_ns = 0;
    std::uint64_t ifrecv = 0;        // received by the interface
    std::uint64_t ifdrop = 0;        // dropped by the interface
    std::uint64_t filteraccept = 0;  // accepted by the filter
    std::uint64_t osdrop = 0;        // dropped by the OS (ring full)
    std::uint64_t usrdeliv = 0;      // delivered to netring and written
    // Several sockets on one interface each have an IDB, but the interface's
    // own counters (ifrecv, ifdrop) belong in one ISB only.
    bool has_interface_counters = true;
};

class FrameSink {
public:
    virtual ~FrameSink() = default;

    // Buffers one frame. An error is final: the sink writes nothing more.
    virtual Status write(const Frame &frame) = 0;
    // Pushes buffered frames to the OS (a pipe's reader sees them now).
    virtual Status flush() = 0;
    // Writes closing records (pcapng ISBs) and flushes. Called once.
    virtual Status finish(std::span<const InterfaceCounters> counters) = 0;
    // Frames that are complete in the output: what the final report counts.
    [[nodiscard]] virtual std::uint64_t frames_written() const = 0;
    // Bytes of output so far, headers and buffered records included, over
    // every file: what -a filesize counts, as dumpcap counts its file.
    [[nodiscard]] virtual std::uint64_t bytes_written() const = 0;
};

}  // namespace netring
