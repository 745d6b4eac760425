// SPDX-License-Identifier: GPL-2.0-or-later
// FrameTemplate: xdp-tx's synthetic frames (UDP over IPv4/IPv6, or bare Ethernet) with the payload stamp.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "netring/traffic/checksum.h"
#include "netring/traffic/stamp.h"

namespace netring::traffic {

enum class TemplateProto : std::uint8_t { udp4, udp6, eth };

struct TemplateConfig {
    TemplateProto proto = TemplateProto::udp4;
    std::array<std::uint8_t, 6> src_mac{};
    std::array<std::uint8_t, 6> dst_mac{};
    std::array<std::uint8_t, 16> src_ip{};  // IPv4 in the first 4 bytes
    std::array<std::uint8_t, 16> dst_ip{};
    std::uint16_t src_port = 49152;  // flow f uses src_port + f
    std::uint16_t dst_port = default_port;
    std::uint16_t stream = 0;
};

// A frame is its headers, the stamp at the start of the payload and zero
// padding up to its size. Only the stamp's sequence and time change from one
// send to the next (and with them the UDP checksum), so a sender writes the
// headers once into a buffer, then per send calls stamp(), which touches 18
// bytes and the checksum field. The UDP checksum is kept as a partial sum of
// everything but sequence and time, so each send adds eight words to it.
// Frames of another size or flow differ only in length fields, the source
// port and checksums: write_headers() rewrites them without touching the
// padding, which must be zero (a fresh UMEM chunk is).
class FrameTemplate {
public:
    explicit FrameTemplate(const TemplateConfig &config);

    // Where the stamp starts: Ethernet + IP + UDP headers.
    [[nodiscard]] std::uint32_t header_size() const { return header_size_; }
    // The smallest frame that holds the headers and the whole stamp, and
    // never less than Ethernet's 60-byte minimum (without FCS).
    [[nodiscard]] std::uint32_t min_size() const;
    [[nodiscard]] const TemplateConfig &config() const { return config_; }

    // Headers and stream id of a size-byte frame of flow `flow` into
    // frame[0, header_size() + stamp_size); sequence, time and the UDP
    // checksum are left for stamp(). size >= min_size().
    void write_headers(std::uint8_t *frame, std::uint32_t size, std::uint32_t flow) const;
    // Sequence, send time and UDP checksum of a frame whose headers
    // write_headers(frame, size, flow) wrote and whose padding is zero.
    void stamp(std::uint8_t *frame, std::uint32_t size, std::uint32_t flow, std::uint64_t sequence,
               std::uint64_t sent_ns) const
    {
        write_stamp_sequence_and_time(frame + header_size_, sequence, sent_ns);
        if (udp_checksum_at_ == 0)
            return;
        std::uint64_t sum = udp_base_ + 2ULL * (size - ip_header_end_) + port_of(flow);
        sum = checksum_add64(checksum_add64(sum, sequence), sent_ns);
        const std::uint16_t c = udp_checksum_finish(sum);
        frame[udp_checksum_at_] = static_cast<std::uint8_t>(c >> 8);
        frame[udp_checksum_at_ + 1] = static_cast<std::uint8_t>(c & 0xff);
    }
    // A whole frame into out (out.size() bytes, >= min_size()), padding zeroed.
    void build(std::span<std::uint8_t> out, std::uint32_t flow, std::uint64_t sequence, std::uint64_t sent_ns) const;

    [[nodiscard]] std::uint16_t port_of(std::uint32_t flow) const
    {
        return static_cast<std::uint16_t>(config_.src_port + flow);
    }

private:
    TemplateConfig config_;
    std::uint32_t header_size_ = 0;
    std::uint32_t ip_header_end_ = 0;    // where UDP starts: UDP length = size - this
    std::uint32_t udp_checksum_at_ = 0;  // 0: no UDP checksum (eth)
    // Pseudo-header addresses and protocol, destination port and stream id:
    // the part of the UDP checksum that no send changes.
    std::uint64_t udp_base_ = 0;
};

}  // namespace netring::traffic
