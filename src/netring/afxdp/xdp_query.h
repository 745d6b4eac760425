// SPDX-License-Identifier: GPL-2.0-or-later
// Which XDP programs an interface has attached, read over rtnetlink (IFLA_XDP).
#pragma once

#include <cstdint>
#include <string>

#include "netring/base/result.h"

namespace netring::xdp {

struct AttachedXdp {
    std::uint32_t drv_id = 0;  // native (driver) mode program id, 0 if none
    std::uint32_t skb_id = 0;  // generic mode
    std::uint32_t hw_id = 0;   // offloaded
    [[nodiscard]] std::uint32_t any_id() const { return drv_id != 0 ? drv_id : skb_id != 0 ? skb_id : hw_id; }
    [[nodiscard]] const char *mode_name() const;
};

Result<AttachedXdp> query_attached_xdp(unsigned ifindex);

// "id 42, \"xdp_prog\", native mode", for messages; just the id when the
// program cannot be opened.
std::string describe_xdp_program(std::uint32_t id, const AttachedXdp &where);

}  // namespace netring::xdp
