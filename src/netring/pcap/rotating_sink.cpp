// SPDX-License-Identifier: GPL-2.0-or-later
// RotatingSink: opens, closes, renames and prunes the files of a rotating capture.
#include "netring/pcap/rotating_sink.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <unistd.h>

#include <fmt/format.h>

namespace netring {

Result<std::unique_ptr<RotatingSink>> RotatingSink::open(RotatingSinkOptions options, std::uint64_t now_ns)
{
    std::unique_ptr<RotatingSink> s(new RotatingSink(std::move(options)));
    if (auto st = s->open_file(now_ns); !st)
        return st.error();
    return s;
}

RotatingSink::~RotatingSink()
{
    // finish() was not called (an error path): still leave a whole file.
    if (current_.sink) {
        const auto c = current_counters();
        (void)close_file(std::span(c));
    }
}

std::vector<InterfaceCounters> RotatingSink::current_counters() const
{
    return o_.counters ? o_.counters() : std::vector<InterfaceCounters>(1);
}

Status RotatingSink::open_file(std::uint64_t now_ns)
{
    ++index_;
    const auto when = static_cast<std::time_t>(now_ns / 1'000'000'000ULL);
    std::string name = o_.policy.strftime_names ? strftime_file_name(o_.path, when)
                                                : numbered_file_name(o_.path, index_, when);
    // Two files in one second of a strftime pattern: number the second one,
    // as tcpdump does when -C rotates inside one -G period.
    if (o_.policy.strftime_names && !finished_.empty() && name.starts_with(strftime_file_name(o_.path, when)) &&
        std::find(finished_.begin(), finished_.end(), name) != finished_.end())
        name += std::to_string(index_);
    // The ring keeps N files counting the one being written.
    while (o_.policy.ring_files != 0 && finished_.size() + 1 > o_.policy.ring_files) {
        if (::unlink(finished_.front().c_str()) != 0 && errno != ENOENT) {
            const int err = errno;
            return fail(Error::sys(err, fmt::format("remove old ring file {}", finished_.front())));
        }
        finished_.pop_front();
    }
    auto out = Output::open(name + ".part");
    if (!out)
        return fail(out.error());
    // close_file() renames it into place even after a failed write, so
    // that is the name an error should give.
    out->set_name(name);
    auto w = o_.make_writer(std::move(out.value()));
    if (!w)
        return fail(w.error());
    current_ = std::move(w.value());
    name_ = std::move(name);
    file_frames_ = 0;
    deadline_ns_ = file_deadline_ns(o_.policy, now_ns);
    return {};
}

Status RotatingSink::close_file(std::span<const InterfaceCounters> counters)
{
    Status st = current_.sink->finish(counters);
    const std::uint64_t bytes = current_.output->bytes_written();
    done_frames_ += current_.sink->frames_written();
    done_bytes_ += bytes;
    current_ = RotatedWriter{};
    const std::string part = name_ + ".part";
    if (bytes == 0) {
        // Not even the headers fit (a full disk): no file beats an invalid one.
        ::unlink(part.c_str());
        return st;
    }
    if (::rename(part.c_str(), name_.c_str()) != 0) {
        const int err = errno;
        return st.ok() ? Status(Error::sys(err, fmt::format("rename {} to {}", part, name_))) : st;
    }
    finished_.push_back(name_);
    if (o_.file_done)
        o_.file_done(name_);
    return st;
}

Status RotatingSink::fail(const Error &e)
{
    if (!failed_)
        failed_ = e;
    if (current_.sink) {
        const auto c = current_counters();
        (void)close_file(std::span(c));
    }
    return *failed_;
}

Status RotatingSink::rotate(std::uint64_t now_ns)
{
    const auto c = current_counters();
    if (auto st = close_file(std::span(c)); !st)
        return fail(st.error());
    if (o_.policy.max_files != 0 && index_ >= o_.policy.max_files) {
        exhausted_ = true;
        return {};
    }
    return open_file(now_ns);
}

FileProgress RotatingSink::progress() const
{
    return FileProgress{file_frames_, current_.sink->bytes_written(), deadline_ns_};
}

Status RotatingSink::write(const Frame &frame)
{
    if (failed_)
        return *failed_;
    if (!current_.sink)
        return {};  // exhausted: the capture is about to stop
    // Stamped at or after the stop: as of just before it (see stopped_at()).
    const std::uint64_t now = stop_ns_ != 0 ? std::min(frame.ts_ns, stop_ns_ - 1) : frame.ts_ns;
    if (should_rotate(o_.policy, progress(), now)) {
        if (auto st = rotate(frame.ts_ns); !st)
            return st;
        if (!current_.sink)
            return {};
    }
    if (auto st = current_.sink->write(frame); !st)
        return fail(st.error());
    ++file_frames_;
    return {};
}

Status RotatingSink::tick(std::uint64_t now_ns)
{
    if (failed_)
        return *failed_;
    if (current_.sink && should_rotate(o_.policy, progress(), now_ns))
        return rotate(now_ns);
    return {};
}

Status RotatingSink::flush()
{
    if (failed_)
        return *failed_;
    if (!current_.sink)
        return {};
    if (auto st = current_.sink->flush(); !st)
        return fail(st.error());
    return {};
}

Status RotatingSink::write_statistics(std::uint64_t now_ns)
{
    if (failed_)
        return *failed_;
    if (!current_.sink || current_.pcapng == nullptr)
        return {};
    const auto c = current_counters();
    if (auto st = current_.pcapng->write_statistics(std::span(c), now_ns); !st)
        return fail(st.error());
    return flush();
}

Status RotatingSink::finish(std::span<const InterfaceCounters> counters)
{
    if (failed_)
        return *failed_;
    if (!current_.sink)
        return {};
    if (auto st = close_file(counters); !st)
        return fail(st.error());
    return {};
}

std::uint64_t RotatingSink::frames_written() const
{
    return done_frames_ + (current_.sink ? current_.sink->frames_written() : 0);
}

std::uint64_t RotatingSink::bytes_written() const
{
    return done_bytes_ + (current_.sink ? current_.sink->bytes_written() : 0);
}

}  // namespace netring
