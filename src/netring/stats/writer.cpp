// SPDX-License-Identifier: GPL-2.0-or-later
// Format names, the writer factory and line flushing.
#include <cerrno>
#include <cmath>

#include <fmt/format.h>

#include "netring/stats/writer_impl.h"

namespace netring::stats {

std::optional<Format> parse_format(std::string_view name)
{
    if (name == "text")
        return Format::text;
    if (name == "json")
        return Format::json;
    if (name == "csv")
        return Format::csv;
    return std::nullopt;
}

std::unique_ptr<RecordWriter> make_writer(Format format, std::FILE *out, Layout layout)
{
    switch (format) {
    case Format::json:
        return make_json_writer(out);
    case Format::csv:
        return make_csv_writer(out, std::move(layout.columns));
    case Format::text:
        break;
    }
    return make_text_writer(out, std::move(layout.tables));
}

std::string number(double v)
{
    if (std::fabs(v) < 1e15)
        return fmt::format("{:.3f}", v);
    return fmt::format("{}", v);
}

Status flush_line(std::FILE *out)
{
    // A pipe's reader must see each line when it is made, not when a buffer fills.
    if (std::fflush(out) != 0 || std::ferror(out) != 0) {
        const int err = errno != 0 ? errno : EIO;
        std::clearerr(out);
        return Error::sys(err, "write to standard output");
    }
    return {};
}

}  // namespace netring::stats
