// SPDX-License-Identifier: GPL-2.0-or-later
// XSKMAP creation, program load with the verifier log, BPF link attach in native or generic mode.
#include "netring/afxdp/xdp_program.h"

#include <cerrno>
#include <ctime>
#include <filesystem>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "netring/afxdp/abi.h"
#include "netring/afxdp/bpf_syscall.h"
#include "netring/afxdp/xdp_query.h"
#include "netring/afxdp/xsk_program.h"

namespace netring::xdp {

const char *to_string(XdpMode mode)
{
    switch (mode) {
    case XdpMode::automatic: return "automatic";
    case XdpMode::native: return "native";
    case XdpMode::generic: return "generic";
    case XdpMode::external: return "external";
    }
    return "?";
}

namespace {

constexpr const char *program_name = "netring_xsk";

Error already_attached(const std::string &ifname, const AttachedXdp &attached)
{
    // What to do about it depends on the command (capture can join the
    // program's XSKMAP, stats cannot): the caller adds it, keyed on EEXIST.
    const std::uint32_t id = attached.any_id();
    std::string what = fmt::format("interface {} already has an XDP program ({})", ifname,
                                   describe_xdp_program(id, attached));
    if (describe_xdp_program(id, attached).find(program_name) != std::string::npos)
        what += " (it is netring's own: is another netring capturing on this interface?)";
    return Error::sys(EEXIST, std::move(what));
}

// The program touches only the metadata in front of the first buffer, so it
// is declared multi-buffer aware (BPF_F_XDP_HAS_FRAGS, Linux 5.18): drivers
// then hand it frames longer than a page instead of refusing to attach
// (veth, in native mode, above an MTU of about 3.5 KiB), and the socket gets
// them split over several chunks. Kernels without the flag get it without.
Result<UniqueFd> load(int map_fd, std::int32_t helper, std::uint32_t clock, bool &has_frags)
{
    const auto insns = xsk_redirect_program(map_fd, helper, clock);
    bpf::ProgramLoad load;
    load.type = BPF_PROG_TYPE_XDP;
    load.insns = insns;
    load.name = program_name;
    load.expected_attach_type = BPF_XDP;
    load.flags = bpf_f_xdp_has_frags;
    has_frags = true;
    auto prog = bpf::load_program(load);
    if (prog || prog.error().code != EINVAL)
        return prog;
    load.flags = 0;
    has_frags = false;
    return bpf::load_program(load);
}

Result<UniqueFd> link(int prog_fd, unsigned ifindex, XdpMode mode)
{
    return bpf::create_link(prog_fd, ifindex, BPF_XDP, mode == XdpMode::native ? attach_drv_mode : attach_skb_mode);
}

}  // namespace

Result<XdpProgram> XdpProgram::attach(const std::string &ifname, unsigned ifindex, const XdpAttachOptions &options)
{
    if (options.mode == XdpMode::external)
        return Error::logic("XdpProgram::attach needs native, generic or automatic mode");
    if (auto attached = query_attached_xdp(ifindex); attached && attached->any_id() != 0)
        return already_attached(ifname, attached.value());

    XdpProgram p;
    p.ifname_ = ifname;
    p.map_entries_ = options.map_entries;
    auto map = bpf::create_map(BPF_MAP_TYPE_XSKMAP, sizeof(std::uint32_t), sizeof(std::uint32_t),
                               options.map_entries, "netring_xsks");
    if (!map)
        return map.error();
    p.map_fd_ = std::move(map.value());

    // bpf_ktime_get_tai_ns appeared in Linux 6.1; older kernels reject the
    // program, and then it stamps with CLOCK_MONOTONIC.
    auto prog = load(p.map_fd_.get(), BPF_FUNC_ktime_get_tai_ns, CLOCK_TAI, p.has_frags_);
    p.stamp_clock_ = CLOCK_TAI;
    if (!prog) {
        spdlog::debug("AF_XDP: XDP program with bpf_ktime_get_tai_ns refused ({}); stamping with CLOCK_MONOTONIC",
                      prog.error().message());
        prog = load(p.map_fd_.get(), BPF_FUNC_ktime_get_ns, CLOCK_MONOTONIC, p.has_frags_);
        p.stamp_clock_ = CLOCK_MONOTONIC;
    }
    if (!prog)
        return prog.error();
    p.prog_fd_ = std::move(prog.value());
    if (auto info = bpf::program_info(p.prog_fd_.get()))
        p.program_id_ = info->id;

    XdpMode mode = options.mode == XdpMode::generic ? XdpMode::generic : XdpMode::native;
    auto lnk = link(p.prog_fd_.get(), ifindex, mode);
    if (!lnk && options.mode == XdpMode::automatic && lnk.error().code != EBUSY && lnk.error().code != EEXIST) {
        spdlog::info("AF_XDP: native XDP is not available on {} ({}{}); using generic mode", ifname,
                     lnk.error().message(),
                     lnk.error().code == ERANGE ? ": the MTU is too large for a single-buffer XDP program" : "");
        mode = XdpMode::generic;
        lnk = link(p.prog_fd_.get(), ifindex, mode);
    }
    if (!lnk) {
        const int err = lnk.error().code;
        // Someone attached a program between our check and the link.
        if (err == EBUSY || err == EEXIST) {
            if (auto attached = query_attached_xdp(ifindex); attached && attached->any_id() != 0)
                return already_attached(ifname, attached.value());
        }
        return Error::sys(err, fmt::format("attach XDP program to {} in {} mode{}", ifname, to_string(mode),
                                           err == ERANGE ? " (the MTU is too large for a single-buffer XDP program)"
                                                         : ""))
            .needing(Privilege::net_admin);
    }
    p.link_fd_ = std::move(lnk.value());
    p.mode_ = mode;
    return p;
}

namespace {

// BPF_OBJ_GET answers EACCES for anything but a pinned object, which the
// CLI would take for a missing capability: say what the path is instead.
Status check_pin_path(const std::string &path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("open the XSKMAP pinned at {} (is bpffs mounted and the map pinned?)", path));
    }
    if (S_ISDIR(st.st_mode))
        return Error::invalid(EISDIR, fmt::format("{} is a directory: give the path of a pinned XSKMAP", path));
    struct statfs fs {};
    if (::statfs(path.c_str(), &fs) == 0 && fs.f_type != BPF_FS_MAGIC)
        return Error::invalid(EINVAL, fmt::format("{} is not on a BPF filesystem (bpffs): give the path of a pinned "
                                                  "XSKMAP (mount -t bpf bpf /sys/fs/bpf, where programs pin maps)",
                                                  path));
    return {};
}

// What a BPF object fd holds, from the name of its anonymous inode:
// "bpf-map", "bpf-prog" or "bpf_link".
std::string object_kind(int fd)
{
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(fmt::format("/proc/self/fd/{}", fd), ec).string();
    const std::string prefix = "anon_inode:";
    return !ec && target.starts_with(prefix) ? target.substr(prefix.size()) : std::string();
}

}  // namespace

Result<XdpProgram> XdpProgram::use_pinned_map(const std::string &path)
{
    if (auto st = check_pin_path(path); !st)
        return st.error();
    auto fd = bpf::get_pinned(path);
    if (!fd) {
        const int err = fd.error().code;
        return Error::sys(err, fmt::format("open the XSKMAP pinned at {} (is bpffs mounted and the map pinned?)", path))
            .needing(fd.error().needs);
    }
    if (const std::string kind = object_kind(fd->get()); kind == "bpf-prog" || kind == "bpf_link")
        return Error::invalid(EINVAL, fmt::format("{} is a pinned BPF {}, not a map: give the path of the XSKMAP "
                                                  "its program redirects to",
                                                  path, kind == "bpf-prog" ? "program" : "link"));
    auto info = bpf::map_info(fd->get());
    if (!info)
        return Error::sys(info.error().code, fmt::format("{} is not a BPF map", path)).needing(info.error().needs);
    if (info->type != BPF_MAP_TYPE_XSKMAP)
        return Error::sys(EINVAL, fmt::format("{} is a BPF map of type {}, not an XSKMAP ({})", path, info->type,
                                              static_cast<unsigned>(BPF_MAP_TYPE_XSKMAP)));
    XdpProgram p;
    p.map_fd_ = std::move(fd.value());
    p.map_entries_ = info->max_entries;
    p.map_path_ = path;
    p.mode_ = XdpMode::external;
    return p;
}

Status XdpProgram::insert(std::uint32_t queue, int xsk_fd)
{
    if (queue >= map_entries_)
        return Error::sys(E2BIG, fmt::format("queue {} is beyond the XSKMAP's {} entries", queue, map_entries_));
    const auto value = static_cast<std::uint32_t>(xsk_fd);
    if (auto st = bpf::update_element(map_fd_.get(), &queue, &value, BPF_ANY); !st)
        return Error::sys(st.error().code, fmt::format("insert the AF_XDP socket for queue {} into the XSKMAP", queue))
            .needing(st.error().needs);
    return {};
}

Status XdpProgram::remove(std::uint32_t queue)
{
    return bpf::delete_element(map_fd_.get(), &queue);
}

std::string XdpProgram::describe() const
{
    if (!ours())
        return fmt::format("XSKMAP pinned at {} (the user's XDP program)", map_path_);
    return fmt::format("netring XDP program id {} on {}, {} mode", program_id_, ifname_, to_string(mode_));
}

}  // namespace netring::xdp
