// SPDX-License-Identifier: GPL-2.0-or-later
// TextSink: one summary line per frame on a terminal, instead of a file.
#pragma once

#include <cstdio>

#include "netring/pcap/sink.h"

namespace netring {

class TextSink final : public FrameSink {
public:
    explicit TextSink(std::FILE *out) : out_(out) {}

    Status write(const Frame &frame) override;
    Status flush() override;
    Status finish(std::span<const InterfaceCounters> counters) override;
    [[nodiscard]] std::uint64_t frames_written() const override { return lines_; }
    [[nodiscard]] std::uint64_t bytes_written() const override { return bytes_; }

private:
    std::FILE *out_;
    std::uint64_t lines_ = 0;
    std::uint64_t bytes_ = 0;
};

}  // namespace netring
