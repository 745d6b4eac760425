// SPDX-License-Identifier: GPL-2.0-or-later
// Output: a buffered file or pipe that only ever keeps whole records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <sys/types.h>

#include "netring/base/result.h"
#include "netring/base/unique_fd.h"

namespace netring {

// The size of the record at p (which lies at `file_offset` in the file), and
// whether it holds a frame. Given by the writer that knows the format.
using RecordWalker = std::size_t (*)(const std::uint8_t *p, std::uint64_t file_offset, bool &is_frame);

// Records (pcapng blocks, pcap headers or packets) are appended to a large
// buffer and written with few write() calls. When a write fails part way
// (ENOSPC, EPIPE) a regular file is cut back to the last whole record: the
// file stays valid and frames_written() counts exactly the frames in it.
// Record boundaries are found then by walking the buffer with the writer's
// RecordWalker, not noted as each record is added: a note per record was a
// store per frame on the hot path, for a case that almost never happens.
class Output {
public:
    static constexpr std::size_t default_buffer = 1 << 20;

    // "-" is stdout. Files are created 0644 and truncated.
    static Result<Output> open(const std::string &path, std::size_t buffer = default_buffer);
    static Output adopt(UniqueFd fd, std::string name, std::size_t buffer = default_buffer);

    Output(Output &&) noexcept = default;
    Output &operator=(Output &&) noexcept = default;
    ~Output() = default;

    // Room for n bytes at the end of the buffer, flushing first when needed.
    // nullptr once the output has failed. Inline because writers ask once per
    // frame and the buffer nearly always has room.
    std::uint8_t *reserve(std::size_t n)
    {
        if (used_ + n <= cap_ && !failed_) [[likely]]
            return buf_.get() + used_;
        return reserve_slow(n);
    }
    // Ends a record of n bytes (written into what reserve() returned).
    void commit(std::size_t n, bool is_frame)
    {
        used_ += n;
        frames_pending_ += is_frame ? 1 : 0;
    }
    // Without a walker, a failed write keeps and counts nothing of the buffer
    // it failed in (a pipe's reader keeps what it got, but no frame is counted).
    void set_walker(RecordWalker walker) { walker_ = walker; }
    // Appends a whole record.
    Status append(const void *data, std::size_t n, bool is_frame);
    // Once stopping() says so, a pipe whose reader takes nothing (| less, a
    // stalled tshark) is given up on after stop_grace_ns instead of holding
    // the process in write() until SIGKILL.
    void set_stop_check(bool (*stopping)()) { stopping_ = stopping; }
    static constexpr std::uint64_t stop_grace_ns = 1'000'000'000;

    Status flush();
    [[nodiscard]] std::uint64_t frames_written() const { return frames_written_; }
    // Bytes of whole records so far, in the file or buffered for it (what
    // -a filesize and -b filesize count, as dumpcap counts its file).
    [[nodiscard]] std::uint64_t bytes_written() const { return offset_ + used_; }
    [[nodiscard]] bool is_pipe() const { return !seekable_; }
    [[nodiscard]] const std::string &name() const { return name_; }
    // The name errors give, when the file is written under another one.
    void set_name(std::string name) { name_ = std::move(name); }
    // Hands the file to another owner (fchown), as a process about to give up
    // its privileges does with a file the new user must rename.
    Status give_to(uid_t uid, gid_t gid);
    // The error that stopped the output, if any.
    [[nodiscard]] const Error *failure() const { return failed_.get(); }
    Status close();

private:
    Output(UniqueFd fd, std::string name, std::size_t buffer, bool seekable, std::uint64_t start);
    std::uint8_t *reserve_slow(std::size_t n);
    Status fail(int err, std::size_t written);

    UniqueFd fd_;
    std::string name_;
    std::unique_ptr<std::uint8_t[]> buf_;
    std::size_t cap_ = 0;
    std::size_t used_ = 0;
    RecordWalker walker_ = nullptr;
    bool (*stopping_)() = nullptr;
    std::uint64_t frames_pending_ = 0;
    std::uint64_t frames_written_ = 0;
    std::uint64_t offset_ = 0;  // bytes of whole records in the file
    bool seekable_ = false;
    // Where our first byte went: standard output may be a file that holds
    // bytes before ours (>>), which a cut-back must leave alone.
    std::uint64_t start_ = 0;
    std::unique_ptr<Error> failed_;
};

}  // namespace netring
