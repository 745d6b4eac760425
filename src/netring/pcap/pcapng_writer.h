// SPDX-License-Identifier: GPL-2.0-or-later
// PcapngWriter: netring's own pcapng writer (libpcap 1.10 cannot write pcapng).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "netring/pcap/output.h"
#include "netring/pcap/sink.h"

namespace netring {

class PcapngWriter final : public FrameSink {
public:
    // Writes the Section Header Block and one Interface Description Block per
    // interface; Frame::interface indexes ifaces.
    static Result<std::unique_ptr<PcapngWriter>> create(Output out, std::span<const InterfaceDescription> ifaces,
                                                        const std::string &userappl);

    Status write(const Frame &frame) override;
    Status flush() override { return out_.flush(); }
    Status finish(std::span<const InterfaceCounters> counters) override;
    [[nodiscard]] std::uint64_t frames_written() const override { return out_.frames_written(); }
    [[nodiscard]] std::uint64_t bytes_written() const override { return out_.bytes_written(); }

    // Interface Statistics Blocks now (periodic statistics), without closing.
    Status write_statistics(std::span<const InterfaceCounters> counters, std::uint64_t now_ns);
    Output &output() { return out_; }

private:
    PcapngWriter(Output out, std::vector<std::uint8_t> tsresol) : out_(std::move(out)), tsresol_(std::move(tsresol)) {}
    Status fail_status() const;

    Output out_;
    std::vector<std::uint8_t> tsresol_;  // per interface: 9 or 6
    bool finished_ = false;
};

}  // namespace netring
