// SPDX-License-Identifier: GPL-2.0-or-later
// Compiling libpcap expressions on a dead handle and running them offline.
#include "netring/capture/filter.h"

#include <cctype>
#include <utility>

#include <fmt/format.h>

namespace netring {

bool expression_uses_vlan(const std::string &expression)
{
    // Word match: "vlan" alone, not inside a longer identifier or a hostname.
    std::size_t pos = 0;
    while ((pos = expression.find("vlan", pos)) != std::string::npos) {
        const bool start = pos == 0 || !(std::isalnum(static_cast<unsigned char>(expression[pos - 1])) ||
                                         expression[pos - 1] == '_' || expression[pos - 1] == '.');
        const std::size_t end = pos + 4;
        const bool stop = end == expression.size() || !(std::isalnum(static_cast<unsigned char>(expression[end])) ||
                                                        expression[end] == '_' || expression[end] == '.');
        if (start && stop)
            return true;
        pos = end;
    }
    return false;
}

Result<Filter> Filter::compile(const std::string &expression, std::uint32_t snaplen, int linktype)
{
    pcap_t *dead = pcap_open_dead(linktype, static_cast<int>(snaplen));
    if (dead == nullptr)
        return Error::logic("pcap_open_dead failed");
    Filter f;
    f.expression_ = expression;
    f.user_space_ = expression_uses_vlan(expression);
    const int rc = pcap_compile(dead, &f.prog_, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN);
    if (rc != 0) {
        std::string msg = pcap_geterr(dead);
        pcap_close(dead);
        return Error::invalid(EINVAL, fmt::format("invalid filter '{}': {}", expression, msg));
    }
    pcap_close(dead);
    return f;
}

Result<Filter> Filter::compile_for_interface(const std::string &expression, std::uint32_t snaplen,
                                             const std::string &interface)
{
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_t *live = pcap_create(interface.c_str(), err);
    if (live == nullptr)
        return compile(expression, snaplen);
    // The smallest ring libpcap accepts: the handle only lives to compile.
    pcap_set_snaplen(live, static_cast<int>(snaplen));
    pcap_set_buffer_size(live, 1 << 16);
    pcap_set_immediate_mode(live, 1);
    if (pcap_activate(live) < 0) {
        pcap_close(live);
        return compile(expression, snaplen);
    }
    Filter f;
    f.expression_ = expression;
    const int rc = pcap_compile(live, &f.prog_, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN);
    if (rc != 0) {
        std::string msg = pcap_geterr(live);
        pcap_close(live);
        return Error::invalid(EINVAL, fmt::format("invalid filter '{}': {}", expression, msg));
    }
    pcap_close(live);
    return f;
}

Filter::Filter(Filter &&other) noexcept
    : prog_(std::exchange(other.prog_, bpf_program{})), expression_(std::move(other.expression_)),
      user_space_(other.user_space_)
{
}

Filter &Filter::operator=(Filter &&other) noexcept
{
    if (this != &other) {
        pcap_freecode(&prog_);
        prog_ = std::exchange(other.prog_, bpf_program{});
        expression_ = std::move(other.expression_);
        user_space_ = other.user_space_;
    }
    return *this;
}

Filter::~Filter() { pcap_freecode(&prog_); }

bool Filter::matches(const std::uint8_t *data, std::uint32_t caplen, std::uint32_t wirelen) const
{
    pcap_pkthdr h{};
    h.caplen = caplen;
    h.len = wirelen;
    return pcap_offline_filter(&prog_, &h, data) != 0;
}

}  // namespace netring
