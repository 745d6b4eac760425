// SPDX-License-Identifier: GPL-2.0-or-later
// Thin wrappers of the bpf() system call: maps, programs, links, pinned objects.
#pragma once

#include <cstdint>
#include <linux/bpf.h>
#include <span>
#include <string>

#include "netring/afxdp/bpf_insn.h"
#include "netring/base/result.h"
#include "netring/base/unique_fd.h"

namespace netring::bpf {

Result<UniqueFd> create_map(std::uint32_t type, std::uint32_t key_size, std::uint32_t value_size,
                            std::uint32_t max_entries, const char *name);

struct ProgramLoad {
    std::uint32_t type = BPF_PROG_TYPE_XDP;
    std::span<const Insn> insns;
    const char *license = "GPL";
    const char *name = "";  // at most 15 characters
    std::uint32_t expected_attach_type = 0;
    std::uint32_t flags = 0;  // BPF_F_*
};

// On failure the error carries the verifier's log (the load is repeated with
// logging on, so a successful load pays nothing for it).
Result<UniqueFd> load_program(const ProgramLoad &load);

// BPF_LINK_CREATE to an interface: the attachment lives as long as the link fd.
Result<UniqueFd> create_link(int prog_fd, unsigned ifindex, std::uint32_t attach_type, std::uint32_t flags);

// BPF_OBJ_GET of a pinned object (bpffs path).
Result<UniqueFd> get_pinned(const std::string &path);

Status update_element(int map_fd, const void *key, const void *value, std::uint64_t flags);
Status delete_element(int map_fd, const void *key);

Result<bpf_map_info> map_info(int map_fd);
Result<bpf_prog_info> program_info(int prog_fd);
Result<UniqueFd> program_by_id(std::uint32_t id);

}  // namespace netring::bpf
