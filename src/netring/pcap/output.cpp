// SPDX-License-Identifier: GPL-2.0-or-later
// Buffered writes that cut a file back to its last whole record on failure.
#include "netring/pcap/output.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <climits>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "netring/base/clock.h"

namespace netring {

Output::Output(UniqueFd fd, std::string name, std::size_t buffer, bool seekable, std::uint64_t start)
    : fd_(std::move(fd)), name_(std::move(name)), buf_(new std::uint8_t[buffer]), cap_(buffer),
      seekable_(seekable), start_(start)
{
}

Result<Output> Output::open(const std::string &path, std::size_t buffer)
{
    if (path == "-") {
        UniqueFd fd(::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3));
        if (!fd.valid()) {
            const int err = errno;
            return Error::sys(err, "duplicate standard output");
        }
        return adopt(std::move(fd), "standard output", buffer);
    }
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) {
        const int err = errno;
        return Error::sys(err, fmt::format("open {} for writing", path));
    }
    return adopt(std::move(fd), path, buffer);
}

Output Output::adopt(UniqueFd fd, std::string name, std::size_t buffer)
{
    struct stat st {};
    bool seekable = ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode);
    off_t start = 0;
    if (seekable) {
        // Appending writes go to the end whatever the offset says.
        const int flags = ::fcntl(fd.get(), F_GETFL);
        start = flags >= 0 && (flags & O_APPEND) != 0 ? st.st_size : ::lseek(fd.get(), 0, SEEK_CUR);
        seekable = start >= 0;  // unknown start: never cut back
    }
    return Output(std::move(fd), std::move(name), std::max<std::size_t>(buffer, 4096), seekable,
                  seekable ? static_cast<std::uint64_t>(start) : 0);
}

std::uint8_t *Output::reserve_slow(std::size_t n)
{
    if (failed_)
        return nullptr;
    if (used_ + n > cap_) {
        if (!flush())
            return nullptr;
        if (n > cap_) {
            // A record larger than the buffer (a 256 KiB frame with a small
            // buffer): grow once rather than split it.
            std::unique_ptr<std::uint8_t[]> bigger(new std::uint8_t[n]);
            buf_ = std::move(bigger);
            cap_ = n;
        }
    }
    return buf_.get() + used_;
}

Status Output::append(const void *data, std::size_t n, bool is_frame)
{
    std::uint8_t *p = reserve(n);
    if (p == nullptr)
        return *failed_;
    std::memcpy(p, data, n);
    commit(n, is_frame);
    return {};
}

Status Output::flush()
{
    if (failed_)
        return *failed_;
    std::size_t done = 0;
    std::uint64_t give_up_ns = 0;
    while (done < used_) {
        std::size_t chunk = used_ - done;
        if (!seekable_ && stopping_ != nullptr && stopping_()) {
            // A signal's EINTR (or a partial write) brought us here, or the
            // stop came first: wait for room, then write no more than a
            // pipe takes without blocking.
            const std::uint64_t now = monotonic_ns();
            if (give_up_ns == 0)
                give_up_ns = now + stop_grace_ns;
            pollfd pfd{fd_.get(), POLLOUT, 0};
            if (now >= give_up_ns || ::poll(&pfd, 1, static_cast<int>((give_up_ns - now) / 1'000'000) + 1) == 0)
                return fail(ETIMEDOUT, done);
            chunk = std::min<std::size_t>(chunk, PIPE_BUF);
        }
        const ssize_t n = ::write(fd_.get(), buf_.get() + done, chunk);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        const int err = n == 0 ? EIO : errno;
        if (err == EINTR)
            continue;
        if (err == EAGAIN) {
            // Standard output may be a non-blocking pipe we inherited.
            pollfd pfd{fd_.get(), POLLOUT, 0};
            ::poll(&pfd, 1, 100);
            continue;
        }
        return fail(err, done);
    }
    offset_ += used_;
    frames_written_ += frames_pending_;
    used_ = 0;
    frames_pending_ = 0;
    return {};
}

Status Output::fail(int err, std::size_t written)
{
    // Keep the whole records among the bytes that did reach the file.
    std::size_t keep = 0;
    std::uint64_t frames = 0;
    while (walker_ != nullptr && keep < written) {
        bool is_frame = false;
        const std::size_t n = walker_(buf_.get() + keep, offset_ + keep, is_frame);
        if (n == 0 || keep + n > written)
            break;
        keep += n;
        frames += is_frame ? 1 : 0;
    }
    if (seekable_ && keep != written) {
        if (::ftruncate(fd_.get(), static_cast<off_t>(start_ + offset_ + keep)) == 0)
            written = keep;
    }
    if (!seekable_)
        keep = written;  // a pipe cannot be cut back; its reader saw what it saw
    offset_ += keep;
    frames_written_ += frames;
    used_ = 0;
    frames_pending_ = 0;
    if (err == ETIMEDOUT) {
        failed_ = std::make_unique<Error>(
            Error::explained(err, fmt::format("the reader of {} took nothing for {} s after the stop ({} frames kept)",
                                              name_, stop_grace_ns / 1'000'000'000, frames_written_)));
        return *failed_;
    }
    if (err == ENOSPC) {
        failed_ = std::make_unique<Error>(Error::sys(
            err, fmt::format("disk full on {} (the file holds the {} frames counted)", name_, frames_written_)));
        return *failed_;
    }
    const char *what = err == EPIPE ? "reader closed the pipe" : "write failed";
    failed_ = std::make_unique<Error>(Error::sys(err, fmt::format("{} on {} ({} frames kept)", what, name_,
                                                                  frames_written_)));
    return *failed_;
}

Status Output::give_to(uid_t uid, gid_t gid)
{
    if (fd_.valid() && ::fchown(fd_.get(), uid, gid) < 0)
        return Error::sys(errno, fmt::format("give {} to uid {}", name_, uid));
    return {};
}

Status Output::close()
{
    Status st = flush();
    if (fd_.valid() && ::close(fd_.release()) < 0 && st.ok()) {
        // NFS and friends report a failed write-back only here.
        const int err = errno;
        st = Error::sys(err, fmt::format("close {}", name_));
    }
    return st;
}

}  // namespace netring
