// SPDX-License-Identifier: GPL-2.0-or-later
// TextSink: one summary line per frame (and a hex dump, if asked for) on a terminal or a pipe.
#pragma once

#include <cstdio>
#include <optional>

#include "netring/decode/hex_dump.h"
#include "netring/pcap/sink.h"

namespace netring {

class TextSink final : public FrameSink {
public:
    // With a dump style, each line is followed by the frame's bytes (-x, -X).
    explicit TextSink(std::FILE *out, std::optional<HexDumpStyle> dump = std::nullopt) : out_(out), dump_(dump) {}

    Status write(const Frame &frame) override;
    Status flush() override;
    Status finish(std::span<const InterfaceCounters> counters) override;
    [[nodiscard]] std::uint64_t frames_written() const override { return lines_; }
    [[nodiscard]] std::uint64_t bytes_written() const override { return bytes_; }

private:
    std::FILE *out_;
    std::optional<HexDumpStyle> dump_;
    std::uint64_t lines_ = 0;
    std::uint64_t bytes_ = 0;
};

}  // namespace netring
