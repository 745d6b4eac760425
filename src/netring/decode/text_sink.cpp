// SPDX-License-Identifier: GPL-2.0-or-later
// Writing frame summaries to a stdio stream.
#include "netring/decode/text_sink.h"

#include <cerrno>

#include "netring/decode/frame_summary.h"

namespace netring {

Status TextSink::write(const Frame &frame)
{
    std::string line = summarize_frame(frame);
    if (dump_)
        line += hex_dump(frame, *dump_);
    if (std::fprintf(out_, "%s\n", line.c_str()) < 0) {
        const int err = errno;
        return Error::sys(err, "write frame lines");
    }
    ++lines_;
    bytes_ += line.size() + 1;
    return {};
}

Status TextSink::flush()
{
    if (std::fflush(out_) != 0) {
        const int err = errno;
        return Error::sys(err, "flush frame lines");
    }
    return {};
}

Status TextSink::finish(std::span<const InterfaceCounters>) { return flush(); }

}  // namespace netring
