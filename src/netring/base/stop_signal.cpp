// SPDX-License-Identifier: GPL-2.0-or-later
// Signal handlers that only set a flag.
#include "netring/base/stop_signal.h"

#include <atomic>
#include <csignal>

namespace netring {

namespace {

std::atomic<int> g_stop{0};
std::atomic<unsigned> g_signals{0};
static_assert(std::atomic<int>::is_always_lock_free, "the flag is written from a signal handler");
static_assert(std::atomic<unsigned>::is_always_lock_free, "the count is written from a signal handler");

void on_signal(int sig)
{
    g_stop.store(sig, std::memory_order_relaxed);
    g_signals.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

void install_stop_handlers()
{
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        ::sigaction(sig, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
}

int stop_requested() { return g_stop.load(std::memory_order_relaxed); }

unsigned stop_signal_count() { return g_signals.load(std::memory_order_relaxed); }

void request_stop(int why) { g_stop.store(why, std::memory_order_relaxed); }

}  // namespace netring
