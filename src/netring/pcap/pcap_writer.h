// SPDX-License-Identifier: GPL-2.0-or-later
// PcapWriter: classic pcap through libpcap's own writer (pcap_dump).
#pragma once

#include <cstdio>
#include <memory>

#include <pcap/pcap.h>

#include "netring/pcap/output.h"
#include "netring/pcap/sink.h"

namespace netring {

// libpcap formats the file; its stdio stream is a cookie stream that feeds
// our Output, so pcap files get the same whole-record guarantees on ENOSPC
// and EPIPE as pcapng.
class PcapWriter final : public FrameSink {
public:
    // Nanosecond magic when iface.tsresol is 9, microsecond when 6.
    static Result<std::unique_ptr<PcapWriter>> create(Output out, const InterfaceDescription &iface);
    ~PcapWriter() override;
    PcapWriter(const PcapWriter &) = delete;
    PcapWriter &operator=(const PcapWriter &) = delete;

    Status write(const Frame &frame) override;
    Status flush() override { return out_.flush(); }
    Status finish(std::span<const InterfaceCounters> counters) override;
    [[nodiscard]] std::uint64_t frames_written() const override { return out_.frames_written(); }
    [[nodiscard]] std::uint64_t bytes_written() const override { return out_.bytes_written(); }
    Output &output() { return out_; }

private:
    explicit PcapWriter(Output out) : out_(std::move(out)) {}
    static ssize_t cookie_write(void *cookie, const char *buf, size_t size);

    Output out_;
    pcap_t *dead_ = nullptr;
    pcap_dumper_t *dumper_ = nullptr;
    bool nano_ = true;
    std::size_t pending_ = 0;  // bytes libpcap wrote for the current record
};

}  // namespace netring
