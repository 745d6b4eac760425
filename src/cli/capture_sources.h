// SPDX-License-Identifier: GPL-2.0-or-later
// Opening what `netring capture` reads from: one AF_PACKET ring, a fanout group, or AF_XDP queues.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "capture_options.h"
#include "netring/base/result.h"
#include "netring/capture/filter.h"
#include "netring/capture/source.h"

namespace netring::cli {

// One source per socket, and how each one's IDB describes it.
struct OpenedSources {
    std::vector<std::unique_ptr<CaptureSource>> sources;
    std::vector<std::string> descriptions;
    std::vector<std::string> labels;  // "socket 2", "queue 3": for the final report
    std::string hardware;  // the interface's driver
};

// The filter must outlive the sources (AF_XDP runs it in user space).
Result<OpenedSources> open_sources(const CaptureOptions &o, const Filter &filter);

}  // namespace netring::cli
