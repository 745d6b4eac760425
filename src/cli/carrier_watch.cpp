// SPDX-License-Identifier: GPL-2.0-or-later
#include "carrier_watch.h"

#include <spdlog/spdlog.h>

#include "netring/base/interface.h"

namespace netring::cli {

void CarrierWatch::check(std::uint64_t now_ns)
{
    if (warned_ || now_ns < next_ns_)
        return;
    next_ns_ = now_ns + 100'000'000;
    if (!lacks_carrier(interface_))
        return;
    warned_ = true;
    status_.clear();
    spdlog::warn("{} has no carrier (cable out, or a veth peer that is down): the frames sent will be dropped",
                 interface_);
}

}  // namespace netring::cli
