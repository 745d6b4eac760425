// SPDX-License-Identifier: GPL-2.0-or-later
// XdpProgram: the XSKMAP that steers a queue's frames to its AF_XDP socket, and
// (unless the user brought their own) netring's program attached through a BPF link.
//
// The link is held only by this process, so the program detaches when the
// XdpProgram is destroyed and also when the process dies in any way, SIGKILL
// included: the kernel closes the link fd with the process.
#pragma once

#include <cstdint>
#include <string>

#include "netring/base/result.h"
#include "netring/base/unique_fd.h"

namespace netring::xdp {

enum class XdpMode : std::uint8_t {
    automatic,  // native when the driver takes it, else generic
    native,     // XDP_FLAGS_DRV_MODE
    generic,    // XDP_FLAGS_SKB_MODE
    external,   // the user's program (a pinned XSKMAP); mode unknown to us
};
const char *to_string(XdpMode mode);

struct XdpAttachOptions {
    XdpMode mode = XdpMode::automatic;
    std::uint32_t map_entries = 64;  // queues the XSKMAP can address (at least queue + 1)
};

class XdpProgram {
public:
    XdpProgram() = default;
    XdpProgram(XdpProgram &&) noexcept = default;
    XdpProgram &operator=(XdpProgram &&) noexcept = default;
    ~XdpProgram() = default;

    // Loads netring's program and attaches it to the interface. Fails with
    // EEXIST and a message naming the program when the interface already has
    // one; the caller says what to do (the remedies depend on the command).
    static Result<XdpProgram> attach(const std::string &ifname, unsigned ifindex, const XdpAttachOptions &options);
    // Opens an XSKMAP pinned on bpffs by the user's own program; loads nothing.
    static Result<XdpProgram> use_pinned_map(const std::string &path);

    // map[queue] = the socket, so the program redirects that queue's frames to it.
    Status insert(std::uint32_t queue, int xsk_fd);
    Status remove(std::uint32_t queue);

    [[nodiscard]] XdpMode mode() const { return mode_; }  // native or generic once attached
    [[nodiscard]] bool ours() const { return link_fd_.valid(); }
    // The clock our program stamps RxMeta with (CLOCK_TAI/CLOCK_MONOTONIC); 0
    // for a user's program.
    [[nodiscard]] std::uint32_t stamp_clock() const { return stamp_clock_; }
    [[nodiscard]] std::uint32_t program_id() const { return program_id_; }
    // Our program was loaded multi-buffer aware (BPF_F_XDP_HAS_FRAGS).
    [[nodiscard]] bool has_frags() const { return has_frags_; }
    // "netring XDP program id 42, native mode" / "XSKMAP /sys/fs/bpf/x (pinned)".
    [[nodiscard]] std::string describe() const;

private:
    // Member order is teardown order, last first: the link closes first, so
    // the program is detached before its map goes.
    UniqueFd map_fd_;
    UniqueFd prog_fd_;
    UniqueFd link_fd_;
    XdpMode mode_ = XdpMode::external;
    std::uint32_t stamp_clock_ = 0;
    bool has_frags_ = false;
    std::uint32_t program_id_ = 0;
    std::uint32_t map_entries_ = 0;
    std::string ifname_;
    std::string map_path_;
};

}  // namespace netring::xdp
