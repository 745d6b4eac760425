// SPDX-License-Identifier: GPL-2.0-or-later
// LoanWait on epoll and an eventfd.
#include "netring/capture/loan_wait.h"

#include <cerrno>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace netring {

Result<std::unique_ptr<LoanWait>> LoanWait::open(int source_fd)
{
    UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll.valid()) {
        const int err = errno;
        return Error::sys(err, "create an epoll set for a capture thread");
    }
    UniqueFd event(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!event.valid()) {
        const int err = errno;
        return Error::sys(err, "create an eventfd for a capture thread");
    }
    // Edge-triggered: level-triggered, the socket would report ready for as
    // long as a block is on loan, which is all the time we want to sleep.
    epoll_event source{};
    source.events = EPOLLIN | EPOLLERR | EPOLLET;
    source.data.fd = source_fd;
    epoll_event returned{};
    returned.events = EPOLLIN;
    returned.data.fd = event.get();
    if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, source_fd, &source) < 0 ||
        ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, event.get(), &returned) < 0) {
        const int err = errno;
        return Error::sys(err, "add a capture socket to its thread's epoll set");
    }
    return std::unique_ptr<LoanWait>(new LoanWait(std::move(epoll), std::move(event)));
}

void LoanWait::ring()
{
    if (gate_.ring()) {
        const std::uint64_t one = 1;
        // Cannot fail short of a counter at 2^64 - 1; a lost write costs the
        // thread one poll timeout, nothing more.
        [[maybe_unused]] const ssize_t n = ::write(event_.get(), &one, sizeof one);
    }
}

void LoanWait::wait(std::uint32_t seen, int timeout_ms)
{
    gate_.sleep_unless_rung(seen, [&] {
        epoll_event events[2];
        const int n = ::epoll_wait(epoll_.get(), events, 2, timeout_ms);
        for (int i = 0; i < n; ++i)
            if (events[i].data.fd == event_.get()) {
                std::uint64_t count = 0;
                [[maybe_unused]] const ssize_t r = ::read(event_.get(), &count, sizeof count);
            }
    });
}

}  // namespace netring
