// SPDX-License-Identifier: GPL-2.0-or-later
// bpf() system calls with errno captured into Results.
#include "netring/afxdp/bpf_syscall.h"

#include <cerrno>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

namespace netring::bpf {

namespace {

long sys_bpf(int cmd, bpf_attr &attr)
{
    return ::syscall(__NR_bpf, cmd, &attr, sizeof(attr));
}

std::uint64_t ptr(const void *p) { return reinterpret_cast<std::uintptr_t>(p); }

Result<UniqueFd> fd_result(long rc, const std::string &what, Privilege needs = Privilege::bpf)
{
    if (rc < 0) {
        const int err = errno;
        return Error::sys(err, what).needing(needs);
    }
    return UniqueFd(static_cast<int>(rc));
}

void copy_name(char (&dst)[BPF_OBJ_NAME_LEN], const char *name)
{
    std::strncpy(dst, name, BPF_OBJ_NAME_LEN - 1);
}

template <typename Info>
Result<Info> object_info(int fd, const char *what)
{
    Info info{};
    bpf_attr attr{};
    attr.info.bpf_fd = static_cast<std::uint32_t>(fd);
    attr.info.info_len = sizeof(info);
    attr.info.info = ptr(&info);
    if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, attr) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("BPF_OBJ_GET_INFO_BY_FD of a {}", what)).needing(Privilege::bpf);
    }
    return info;
}

}  // namespace

Result<UniqueFd> create_map(std::uint32_t type, std::uint32_t key_size, std::uint32_t value_size,
                            std::uint32_t max_entries, const char *name)
{
    bpf_attr attr{};
    attr.map_type = type;
    attr.key_size = key_size;
    attr.value_size = value_size;
    attr.max_entries = max_entries;
    copy_name(attr.map_name, name);
    // The kernel's "net admin" map types.
    const bool networking = type == BPF_MAP_TYPE_XSKMAP || type == BPF_MAP_TYPE_DEVMAP ||
                            type == BPF_MAP_TYPE_DEVMAP_HASH || type == BPF_MAP_TYPE_SOCKMAP ||
                            type == BPF_MAP_TYPE_SOCKHASH;
    return fd_result(sys_bpf(BPF_MAP_CREATE, attr), fmt::format("create BPF map {}", name),
                     networking ? Privilege::net_bpf : Privilege::bpf);
}

Result<UniqueFd> load_program(const ProgramLoad &load)
{
    bpf_attr attr{};
    attr.prog_type = load.type;
    attr.insns = ptr(load.insns.data());
    attr.insn_cnt = static_cast<std::uint32_t>(load.insns.size());
    attr.license = ptr(load.license);
    attr.expected_attach_type = load.expected_attach_type;
    attr.prog_flags = load.flags;
    copy_name(attr.prog_name, load.name);
    const long rc = sys_bpf(BPF_PROG_LOAD, attr);
    if (rc >= 0)
        return UniqueFd(static_cast<int>(rc));
    const int first_err = errno;

    // Again with the verifier's log, to say why.
    std::vector<char> log(256 * 1024, '\0');
    attr.log_level = 1;
    attr.log_buf = ptr(log.data());
    attr.log_size = static_cast<std::uint32_t>(log.size());
    const long again = sys_bpf(BPF_PROG_LOAD, attr);
    if (again >= 0)
        return UniqueFd(static_cast<int>(again));  // passed with logging on: keep it
    const int err = errno;
    std::string text(log.data(), strnlen(log.data(), log.size()));
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    std::string what = fmt::format("load BPF program {} ({} instructions)", load.name, load.insns.size());
    if (!text.empty())
        what += fmt::format("; verifier log:\n{}\n", text);
    // XDP is one of the kernel's "net admin" program types.
    return Error::sys(err != 0 ? err : first_err, std::move(what))
        .needing(load.type == BPF_PROG_TYPE_XDP ? Privilege::net_bpf : Privilege::bpf);
}

Result<UniqueFd> create_link(int prog_fd, unsigned ifindex, std::uint32_t attach_type, std::uint32_t flags)
{
    bpf_attr attr{};
    attr.link_create.prog_fd = static_cast<std::uint32_t>(prog_fd);
    attr.link_create.target_ifindex = ifindex;
    attr.link_create.attach_type = attach_type;
    attr.link_create.flags = flags;
    return fd_result(sys_bpf(BPF_LINK_CREATE, attr), fmt::format("BPF_LINK_CREATE on interface index {}", ifindex),
                     Privilege::net_admin);
}

Result<UniqueFd> get_pinned(const std::string &path)
{
    bpf_attr attr{};
    attr.pathname = ptr(path.c_str());
    return fd_result(sys_bpf(BPF_OBJ_GET, attr), fmt::format("open pinned BPF object {}", path));
}

Status update_element(int map_fd, const void *key, const void *value, std::uint64_t flags)
{
    bpf_attr attr{};
    attr.map_fd = static_cast<std::uint32_t>(map_fd);
    attr.key = ptr(key);
    attr.value = ptr(value);
    attr.flags = flags;
    if (sys_bpf(BPF_MAP_UPDATE_ELEM, attr) < 0) {
        const int err = errno;
        return Error::sys(err, "BPF map update").needing(Privilege::bpf);
    }
    return {};
}

Status delete_element(int map_fd, const void *key)
{
    bpf_attr attr{};
    attr.map_fd = static_cast<std::uint32_t>(map_fd);
    attr.key = ptr(key);
    if (sys_bpf(BPF_MAP_DELETE_ELEM, attr) < 0) {
        const int err = errno;
        return Error::sys(err, "BPF map delete").needing(Privilege::bpf);
    }
    return {};
}

Result<bpf_map_info> map_info(int map_fd) { return object_info<bpf_map_info>(map_fd, "map"); }
Result<bpf_prog_info> program_info(int prog_fd) { return object_info<bpf_prog_info>(prog_fd, "program"); }

Result<UniqueFd> program_by_id(std::uint32_t id)
{
    bpf_attr attr{};
    attr.prog_id = id;
    return fd_result(sys_bpf(BPF_PROG_GET_FD_BY_ID, attr), fmt::format("open BPF program id {}", id));
}

}  // namespace netring::bpf
