// SPDX-License-Identifier: GPL-2.0-or-later
// The AF_XDP and BPF features of the running kernel, judged by its version.
#pragma once

#include <string>
#include <vector>

namespace netring::xdp {

struct KernelFeature {
    const char *key;          // "need_wakeup", for JSON
    const char *description;  // "need-wakeup flags (XDP_USE_NEED_WAKEUP)"
    int major;                // the first release that has it
    int minor;
    bool available;
};

// "6.18.44-fc-v669" and its major and minor numbers; 0.0 when uname fails.
struct KernelVersion {
    std::string release;
    int major = 0;
    int minor = 0;
};
KernelVersion running_kernel();

// Every feature netring may use, in the order they appeared.
std::vector<KernelFeature> kernel_features(const KernelVersion &kernel);

}  // namespace netring::xdp
