// SPDX-License-Identifier: GPL-2.0-or-later
// `netring info`: interfaces, their XDP abilities, the kernel's AF_XDP features and this process's capabilities.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <linux/capability.h>
#include <net/if_arp.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command.h"
#include "errors.h"
#include "netring/afxdp/bpf_syscall.h"
#include "netring/afxdp/kernel_features.h"
#include "netring/afxdp/netdev_features.h"
#include "netring/afxdp/xdp_query.h"
#include "netring/base/capabilities.h"
#include "netring/base/interface.h"
#include "netring/base/queues.h"

namespace netring::cli {

namespace {

struct InfoOptions {
    std::vector<std::string> interfaces;
    std::string format = "text";
};

struct AttachedProgram {
    std::uint32_t id = 0;
    std::string name;  // empty when the process may not open it (CAP_SYS_ADMIN)
    std::string mode;  // native, generic, offloaded
};

struct InterfaceReport {
    InterfaceInfo link;
    InterfaceQueues queues;
    std::vector<AttachedProgram> programs;
    std::optional<xdp::NetdevFeatures> features;
    std::string features_error;
};

struct Flag {
    std::uint64_t bit;
    const char *name;
};
constexpr Flag xdp_flags[] = {
    {xdp::xdp_act_basic, "basic"},         {xdp::xdp_act_redirect, "redirect"},
    {xdp::xdp_act_ndo_xmit, "ndo-xmit"},   {xdp::xdp_act_xsk_zerocopy, "xsk-zerocopy"},
    {xdp::xdp_act_hw_offload, "hw-offload"}, {xdp::xdp_act_rx_sg, "rx-sg"},
    {xdp::xdp_act_ndo_xmit_sg, "ndo-xmit-sg"},
};
constexpr Flag xsk_flags[] = {
    {xdp::xsk_tx_timestamp, "tx-timestamp"},
    {xdp::xsk_tx_checksum, "tx-checksum"},
    {xdp::xsk_tx_launch_time, "tx-launch-time"},
};

template <std::size_t N>
std::vector<std::string> flag_names(std::uint64_t bits, const Flag (&flags)[N])
{
    std::vector<std::string> names;
    for (const Flag &f : flags)
        if ((bits & f.bit) != 0)
            names.emplace_back(f.name);
    return names;
}

// The link-layer address, or nothing for a link without one: tun and
// WireGuard (ARPHRD_NONE) or PPP frames carry none, and SIOCGIFHWADDR's zeros
// would read as an address. ip link shows "link/none" and no address.
std::optional<std::string> address_text(const InterfaceInfo &link)
{
    if (link.hw_type == ARPHRD_NONE || link.hw_type == ARPHRD_VOID || link.hw_type == ARPHRD_PPP)
        return std::nullopt;
    const auto &m = link.mac;
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}

AttachedProgram program(std::uint32_t id, const char *mode)
{
    AttachedProgram p{id, "", mode};
    if (auto fd = bpf::program_by_id(id))
        if (auto info = bpf::program_info(fd->get()))
            p.name.assign(info->name, strnlen(info->name, sizeof(info->name)));
    return p;
}

InterfaceReport gather(const InterfaceInfo &link)
{
    InterfaceReport r;
    r.link = link;
    r.queues = interface_queues(link.name);
    if (auto attached = xdp::query_attached_xdp(link.index)) {
        if (attached->drv_id != 0)
            r.programs.push_back(program(attached->drv_id, "native"));
        if (attached->skb_id != 0)
            r.programs.push_back(program(attached->skb_id, "generic"));
        if (attached->hw_id != 0)
            r.programs.push_back(program(attached->hw_id, "offloaded"));
    }
    auto f = xdp::query_netdev_features(link.index);
    if (f)
        r.features = f.value();
    else
        r.features_error = f.error().message();
    return r;
}

// What each subcommand needs, and which of it this process lacks.
struct Need {
    const char *key;   // JSON
    const char *what;  // text
    std::vector<int> caps;
};
const std::vector<Need> &needs()
{
    static const std::vector<Need> list = {
        {"capture", "capture", {CAP_NET_RAW}},
        {"replay_xdp_tx", "replay, xdp-tx", {CAP_NET_RAW, CAP_IPC_LOCK}},
        {"capture_xdp", "capture --backend xdp", {CAP_NET_RAW, CAP_NET_ADMIN, CAP_BPF, CAP_IPC_LOCK}},
    };
    return list;
}

std::vector<std::string> lacking(const Need &n)
{
    std::vector<std::string> out;
    for (int cap : n.caps)
        if (!has_effective_capability(cap))
            out.push_back(capability_name(cap));
    return out;
}

std::string memlock_text(std::uint64_t limit)
{
    return limit == UINT64_MAX ? std::string("unlimited") : fmt::format("{} KiB", limit >> 10);
}

// ---- text -------------------------------------------------------------------------------

void print_text(const xdp::KernelVersion &kernel, const std::vector<InterfaceReport> &reports)
{
    oprint("kernel {}\n", kernel.release);
    for (const auto &f : xdp::kernel_features(kernel))
        oprint("  {:<48} {} (Linux {}.{})\n", f.description, f.available ? "yes" : "no", f.major, f.minor);
    oprint("capabilities of this process\n");
    for (const auto &c : capabilities_used())
        oprint("  {:<14} {:<3}  {}\n", c.name, has_effective_capability(c.number) ? "yes" : "no", c.purpose);
    oprint("  {:<14} {}\n", "RLIMIT_MEMLOCK", memlock_text(memlock_limit()));
    for (const Need &n : needs()) {
        const auto missing = lacking(n);
        oprint("  {:<22} {}\n", n.what + std::string(":"),
               missing.empty() ? std::string("ready") : fmt::format("lacks {}", fmt::join(missing, ", ")));
    }
    for (const auto &r : reports) {
        oprint("interface {} (index {})\n", r.link.name, r.link.index);
        oprint("  {:<14} {}{}\n", "state", r.link.up() ? "up" : "down", r.link.running() ? ", running" : "");
        oprint("  {:<14} {}\n", "driver", r.link.driver.empty() ? "-" : r.link.driver);
        oprint("  {:<14} {}\n", "mtu", r.link.mtu);
        oprint("  {:<14} {}\n", "address", address_text(r.link).value_or("-"));
        std::string queues = fmt::format("{} rx, {} tx", r.queues.rx, r.queues.tx);
        if (const auto &c = r.queues.channels)
            queues += fmt::format(" (channels: {} combined of max {}, {} rx of max {}, {} tx of max {})", c->combined,
                                  c->max_combined, c->rx, c->max_rx, c->tx, c->max_tx);
        oprint("  {:<14} {}\n", "queues", queues);
        if (r.programs.empty())
            oprint("  {:<14} none\n", "xdp program");
        for (const auto &p : r.programs)
            oprint("  {:<14} id {}{}, {} mode\n", "xdp program", p.id,
                   p.name.empty() ? std::string() : fmt::format(" \"{}\"", p.name), p.mode);
        if (!r.features) {
            oprint("  {:<14} generic (driver features unknown: {})\n", "xdp modes", r.features_error);
            continue;
        }
        const auto &f = *r.features;
        std::string modes = "generic";
        // AF_XDP in native mode needs the driver's XDP_REDIRECT, not just basic XDP.
        if ((f.xdp_features & xdp::xdp_act_basic) != 0 && (f.xdp_features & xdp::xdp_act_redirect) != 0)
            modes += ", native";
        if ((f.xdp_features & xdp::xdp_act_xsk_zerocopy) != 0)
            modes += ", zero-copy";
        oprint("  {:<14} {}\n", "xdp modes", modes);
        const auto names = flag_names(f.xdp_features, xdp_flags);
        oprint("  {:<14} {}\n", "xdp features", names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", ")));
        if ((f.xdp_features & xdp::xdp_act_xsk_zerocopy) != 0)
            oprint("  {:<14} {}\n", "zc max segs", f.zc_max_segs);
        if (f.has_xsk_features) {
            const auto xsk = flag_names(f.xsk_features, xsk_flags);
            oprint("  {:<14} {}\n", "af_xdp tx meta", xsk.empty() ? std::string("none") : fmt::format("{}", fmt::join(xsk, ", ")));
        }
    }
}

// ---- JSON -------------------------------------------------------------------------------

std::string quote(std::string_view s)
{
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            else
                out += c;
        }
    }
    return out + "\"";
}

std::string string_list(const std::vector<std::string> &v)
{
    std::vector<std::string> q;
    for (const auto &s : v)
        q.push_back(quote(s));
    return fmt::format("[{}]", fmt::join(q, ","));
}

const char *boolean(bool b) { return b ? "true" : "false"; }

void print_json(const xdp::KernelVersion &kernel, const std::vector<InterfaceReport> &reports)
{
    std::vector<std::string> features;
    for (const auto &f : xdp::kernel_features(kernel))
        features.push_back(fmt::format("{}:{}", quote(f.key), boolean(f.available)));
    std::vector<std::string> caps;
    for (const auto &c : capabilities_used())
        caps.push_back(fmt::format("{}:{}", quote(c.name), boolean(has_effective_capability(c.number))));
    const std::uint64_t memlock = memlock_limit();
    std::vector<std::string> ready;
    for (const Need &n : needs())
        ready.push_back(fmt::format("{}:{}", quote(n.key), string_list(lacking(n))));

    std::vector<std::string> ifaces;
    for (const auto &r : reports) {
        std::string channels = "null";
        if (const auto &c = r.queues.channels)
            channels = fmt::format(R"({{"rx":{},"tx":{},"combined":{},"other":{},"max_rx":{},"max_tx":{},)"
                                   R"("max_combined":{},"max_other":{}}})",
                                   c->rx, c->tx, c->combined, c->other, c->max_rx, c->max_tx, c->max_combined,
                                   c->max_other);
        std::vector<std::string> progs;
        for (const auto &p : r.programs)
            progs.push_back(fmt::format(R"({{"id":{},"name":{},"mode":{}}})", p.id,
                                        p.name.empty() ? std::string("null") : quote(p.name), quote(p.mode)));
        std::string xdp = "null";
        if (const auto &f = r.features)
            xdp = fmt::format(R"({{"generic":true,"native":{},"zero_copy":{},"multi_buffer":{},"zc_max_segs":{},)"
                              R"("features":{},"tx_metadata":{}}})",
                              boolean((f->xdp_features & xdp::xdp_act_basic) != 0 &&
                                      (f->xdp_features & xdp::xdp_act_redirect) != 0),
                              boolean((f->xdp_features & xdp::xdp_act_xsk_zerocopy) != 0),
                              boolean((f->xdp_features & xdp::xdp_act_rx_sg) != 0), f->zc_max_segs,
                              string_list(flag_names(f->xdp_features, xdp_flags)),
                              f->has_xsk_features ? string_list(flag_names(f->xsk_features, xsk_flags))
                                                  : std::string("null"));
        const auto address = address_text(r.link);
        ifaces.push_back(fmt::format(
            R"({{"name":{},"index":{},"up":{},"running":{},"driver":{},"mtu":{},"address":{},"rx_queues":{},)"
            R"("tx_queues":{},"channels":{},"xdp_programs":[{}],"xdp":{}}})",
            quote(r.link.name), r.link.index, boolean(r.link.up()), boolean(r.link.running()),
            r.link.driver.empty() ? std::string("null") : quote(r.link.driver), r.link.mtu,
            address ? quote(*address) : std::string("null"),
            r.queues.rx, r.queues.tx, channels, fmt::join(progs, ","), xdp));
    }
    oprint(R"({{"kernel":{{"release":{},"features":{{{}}}}},"capabilities":{{{}}},"memlock_limit":{},)"
           R"("lacking":{{{}}},"interfaces":[{}]}})"
           "\n",
           quote(kernel.release), fmt::join(features, ","), fmt::join(caps, ","),
           memlock == UINT64_MAX ? std::string("null") : std::to_string(memlock), fmt::join(ready, ","),
           fmt::join(ifaces, ","));
}

int run_info(const InfoOptions &o)
{
    std::vector<std::string> names;
    // -i X -i X reports X once, as stats counts it once.
    for (const auto &name : o.interfaces.empty() ? interface_names() : o.interfaces)
        if (std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(name);
    std::vector<InterfaceReport> reports;
    for (const auto &name : names) {
        auto link = lookup_interface(name);
        if (!link)
            return report("info", link.error());
        reports.push_back(gather(link.value()));
    }
    const auto kernel = xdp::running_kernel();
    if (o.format == "json")
        print_json(kernel, reports);
    else
        print_text(kernel, reports);
    return finish_stdout("info");
}

}  // namespace

Command register_info(CLI::App &parent)
{
    auto opts = std::make_shared<InfoOptions>();
    CLI::App *app = parent.add_subcommand(
        "info", "Interfaces, their XDP support, the kernel's AF_XDP features and this process's capabilities");
    app->add_option("-i,--interface", opts->interfaces, "Only this interface (repeatable; default: all)")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app->add_option("--format", opts->format, "Output format: text or json")->check(CLI::IsMember({"text", "json"}));
    return Command{app, [opts] { return run_info(*opts); }};
}

}  // namespace netring::cli
