// SPDX-License-Identifier: GPL-2.0-or-later
// Header layout and checksums of xdp-tx's frames.
#include "netring/traffic/frame_template.h"

#include <algorithm>
#include <cstring>

namespace netring::traffic {

namespace {

constexpr std::uint32_t eth_header = 14;
constexpr std::uint32_t ipv4_header = 20;
constexpr std::uint32_t ipv6_header = 40;
constexpr std::uint32_t udp_header = 8;
constexpr std::uint8_t ip_proto_udp = 17;
constexpr std::uint32_t ethernet_min = 60;

void put16(std::uint8_t *p, std::uint32_t v)
{
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v & 0xff);
}

}  // namespace

FrameTemplate::FrameTemplate(const TemplateConfig &config) : config_(config)
{
    switch (config_.proto) {
    case TemplateProto::udp4:
        ip_header_end_ = eth_header + ipv4_header;
        udp_base_ = checksum_add(0, config_.src_ip.data(), 4);
        udp_base_ = checksum_add(udp_base_, config_.dst_ip.data(), 4);
        break;
    case TemplateProto::udp6:
        ip_header_end_ = eth_header + ipv6_header;
        udp_base_ = checksum_add(0, config_.src_ip.data(), 16);
        udp_base_ = checksum_add(udp_base_, config_.dst_ip.data(), 16);
        break;
    case TemplateProto::eth:
        header_size_ = eth_header;
        return;
    }
    header_size_ = ip_header_end_ + udp_header;
    udp_checksum_at_ = ip_header_end_ + 6;
    // The UDP length appears twice (pseudo-header and UDP header) and the
    // source port varies by flow: stamp() adds those per frame.
    udp_base_ += ip_proto_udp + config_.dst_port + config_.stream;
}

std::uint32_t FrameTemplate::min_size() const { return std::max<std::uint32_t>(header_size_ + static_cast<std::uint32_t>(stamp_size), ethernet_min); }

void FrameTemplate::write_headers(std::uint8_t *frame, std::uint32_t size, std::uint32_t flow) const
{
    std::memcpy(frame, config_.dst_mac.data(), 6);
    std::memcpy(frame + 6, config_.src_mac.data(), 6);
    std::uint8_t *ip = frame + eth_header;
    switch (config_.proto) {
    case TemplateProto::udp4: {
        put16(frame + 12, 0x0800);
        ip[0] = 0x45;
        ip[1] = 0;
        put16(ip + 2, size - eth_header);
        put16(ip + 4, 0);       // identification: unused, the datagram is never fragmented
        put16(ip + 6, 0x4000);  // DF
        ip[8] = 64;
        ip[9] = ip_proto_udp;
        put16(ip + 10, 0);
        std::memcpy(ip + 12, config_.src_ip.data(), 4);
        std::memcpy(ip + 16, config_.dst_ip.data(), 4);
        put16(ip + 10, checksum_finish(checksum_add(0, ip, ipv4_header)));
        break;
    }
    case TemplateProto::udp6:
        put16(frame + 12, 0x86dd);
        ip[0] = 0x60;  // version 6, traffic class 0, flow label 0
        ip[1] = ip[2] = ip[3] = 0;
        put16(ip + 4, size - eth_header - ipv6_header);
        ip[6] = ip_proto_udp;
        ip[7] = 64;
        std::memcpy(ip + 8, config_.src_ip.data(), 16);
        std::memcpy(ip + 24, config_.dst_ip.data(), 16);
        break;
    case TemplateProto::eth:
        put16(frame + 12, ethertype_local_experimental);
        break;
    }
    if (udp_checksum_at_ != 0) {
        std::uint8_t *udp = frame + ip_header_end_;
        put16(udp, port_of(flow));
        put16(udp + 2, config_.dst_port);
        put16(udp + 4, size - ip_header_end_);
        put16(udp + 6, 0);
    }
    stamp_detail::put_be(frame + header_size_ + stamp_stream_offset, config_.stream, 2);
}

void FrameTemplate::build(std::span<std::uint8_t> out, std::uint32_t flow, std::uint64_t sequence,
                          std::uint64_t sent_ns) const
{
    std::fill(out.begin(), out.end(), std::uint8_t{0});
    const auto size = static_cast<std::uint32_t>(out.size());
    write_headers(out.data(), size, flow);
    stamp(out.data(), size, flow, sequence, sent_ns);
}

}  // namespace netring::traffic
