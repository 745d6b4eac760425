// SPDX-License-Identifier: GPL-2.0-or-later
// CarrierWatch: one warning when the interface a sender uses has no carrier.
#pragma once

#include <cstdint>
#include <string>

#include "status_line.h"

namespace netring::cli {

// A link without carrier (cable out, a veth whose peer is down) takes the
// frames and drops them, and the TX rings count them as sent, so the report
// cannot tell: the user hears it once, when first seen, at the start or
// during the run.
class CarrierWatch {
public:
    CarrierWatch(std::string interface, StatusLine &status) : interface_(std::move(interface)), status_(status) {}
    // Looks at the link (one ioctl) at most every 100 ms; cheap to call per frame.
    void check(std::uint64_t now_ns);

private:
    std::string interface_;
    StatusLine &status_;
    std::uint64_t next_ns_ = 0;
    bool warned_ = false;
};

}  // namespace netring::cli
