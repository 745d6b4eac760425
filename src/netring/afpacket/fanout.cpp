// SPDX-License-Identifier: GPL-2.0-or-later
// Fanout group setup: open blocked rings, join them in one group, then let frames in.
#include "netring/afpacket/fanout.h"

#include <array>
#include <cerrno>
#include <linux/if_packet.h>
#include <utility>

#include <fmt/format.h>

namespace netring::afpacket {

namespace {

struct ModeName {
    FanoutMode mode;
    const char *name;
    std::uint16_t kernel;
};

constexpr std::array<ModeName, 6> modes{{
    {FanoutMode::hash, "hash", PACKET_FANOUT_HASH},
    {FanoutMode::lb, "lb", PACKET_FANOUT_LB},
    {FanoutMode::cpu, "cpu", PACKET_FANOUT_CPU},
    {FanoutMode::rollover, "rollover", PACKET_FANOUT_ROLLOVER},
    {FanoutMode::random, "random", PACKET_FANOUT_RND},
    {FanoutMode::qm, "qm", PACKET_FANOUT_QM},
}};

const ModeName &entry(FanoutMode mode)
{
    for (const auto &m : modes)
        if (m.mode == mode)
            return m;
    return modes[0];
}

Error in_socket(const Error &e, unsigned i, unsigned count, const char *step)
{
    return Error{e.code, fmt::format("fanout socket {} of {}: {}: {}", i + 1, count, step, e.context),
                 e.self_explanatory, e.bad_input};
}

}  // namespace

std::optional<FanoutMode> parse_fanout_mode(std::string_view name)
{
    for (const auto &m : modes)
        if (name == m.name)
            return m.mode;
    return std::nullopt;
}

const char *to_string(FanoutMode mode) { return entry(mode).name; }

Result<std::vector<std::unique_ptr<PacketRxRing>>> open_fanout(RxOptions options, unsigned count, FanoutMode mode)
{
    // PACKET_FANOUT_MAX: the kernel's default limit on members.
    constexpr unsigned max_members = 256;
    if (count == 0 || count > max_members)
        return Error::sys(EINVAL, fmt::format("a fanout group of {} sockets (1 to {})", count, max_members));

    // Not PACKET_FANOUT_FLAG_DEFRAG: under it the sockets get the datagram
    // the kernel reassembled (one 4042-byte frame where the wire carried
    // three), and nothing of one that never completes. The flow hash reads no
    // ports of a fragment, first or later, so a datagram's fragments reach
    // one ring without it.
    const std::uint16_t type_flags = entry(mode).kernel;
    options.want_hash = mode == FanoutMode::hash;
    options.start_blocked = true;

    // The kernel takes only bound sockets into a group, and a bound socket
    // outside it gets a copy of every frame: each ring drops everything until
    // all are members, so no frame is seen twice or unfiltered.
    std::vector<std::unique_ptr<PacketRxRing>> rings;
    rings.reserve(count);
    std::uint16_t group = 0;
    for (unsigned i = 0; i < count; ++i) {
        options.interface_id = i;
        // The interface's counters are read once, by the first member (MergedSource
        // reports the first source's; its ISB alone carries them).
        options.interface_counters = i == 0;
        auto ring = PacketRxRing::open(options);
        if (!ring)
            return in_socket(ring.error(), i, count, "open");
        // The first member creates the group under an id the kernel picks
        // (no clash with another capture's group); the others join it.
        const bool first = i == 0;
        auto id = ring.value()->join_fanout(group, first ? static_cast<std::uint16_t>(
                                                               type_flags | PACKET_FANOUT_FLAG_UNIQUEID)
                                                         : type_flags);
        if (!id)
            return in_socket(id.error(), i, count, first ? "create fanout group" : "join fanout group");
        if (first)
            group = id.value();
        rings.push_back(std::move(ring.value()));
    }
    for (unsigned i = 0; i < count; ++i)
        if (auto st = rings[i]->attach_final_filter(); !st)
            return in_socket(st.error(), i, count, "attach filter");
    return rings;
}

}  // namespace netring::afpacket
