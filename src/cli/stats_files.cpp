// SPDX-License-Identifier: GPL-2.0-or-later
// `netring stats FILE...`: a capinfos-like summary of each capture file, with its pcapng statistics blocks.
#include <csignal>

#include <fmt/format.h>

#include "errors.h"
#include "stats_modes.h"
#include "netring/stats/file_summary.h"

namespace netring::cli {

namespace {

using stats::Record;

stats::Layout file_layout()
{
    stats::Layout l;
    l.columns = {"type",         "file",           "format",         "linktype",       "linktype_name",
                 "frames",       "bytes",          "wire_bytes",     "first_ts_ns",    "last_ts_ns",
                 "duration_ns",  "avg_pps",        "avg_bps",        "frame_len_min",  "frame_len_avg",
                 "frame_len_max", "caplen_max",    "snapped",        "time_ordered",   "complete",
                 "stopped_at_offset", "file_size", "error",          "section",        "interface_id",
                 "if_name",      "isb_starttime_ns", "isb_endtime_ns", "isb_ifrecv",   "isb_ifdrop",
                 "isb_filteraccept", "isb_osdrop", "isb_usrdeliv"};
    return l;
}

Record file_record(const std::string &path, const stats::FileSummary &s)
{
    Record r;
    r.add("type", "file").add("file", path).add("format", s.format);
    r.add("linktype", s.linktype).add("linktype_name", fmt::format("{} ({})", s.linktype_name, s.linktype_description));
    r.add("frames", s.frames).add("bytes", s.captured_bytes).add("wire_bytes", s.wire_bytes);
    if (s.frames != 0)
        r.add("first_ts_ns", s.first_ns).add("last_ts_ns", s.last_ns);
    else
        r.add_null("first_ts_ns").add_null("last_ts_ns");
    r.add("duration_ns", s.duration_ns());
    if (s.duration_ns() != 0)
        r.add("avg_pps", s.average_pps()).add("avg_bps", s.average_bps());
    else
        r.add_null("avg_pps").add_null("avg_bps");
    if (s.frames != 0)
        r.add("frame_len_min", s.wire_min).add("frame_len_avg", s.average_wire_len()).add("frame_len_max", s.wire_max);
    else
        r.add_null("frame_len_min").add_null("frame_len_avg").add_null("frame_len_max");
    r.add("caplen_max", s.caplen_max).add("snapped", s.snapped).add("time_ordered", s.time_ordered);
    r.add("complete", s.complete);
    if (!s.complete)
        r.add("stopped_at_offset", s.stopped_at).add("file_size", s.file_size).add("error", s.problem);
    return r;
}

Record isb_record(const std::string &path, const stats::InterfaceStatistics &b)
{
    Record r;
    r.add("type", "isb").add("file", path).add("section", b.section).add("interface_id", b.interface);
    r.add("if_name", b.name);
    r.add("isb_starttime_ns", b.start_ns).add("isb_endtime_ns", b.end_ns);
    r.add("isb_ifrecv", b.ifrecv).add("isb_ifdrop", b.ifdrop).add("isb_filteraccept", b.filteraccept);
    r.add("isb_osdrop", b.osdrop).add("isb_usrdeliv", b.usrdeliv);
    return r;
}

}  // namespace

int run_file_stats(const StatsOptions &o)
{
    // A reader that goes away (| head) is EPIPE and a normal end, as in the
    // other modes, not death by SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    auto writer = stats::make_writer(o.output, stdout, file_layout());
    int rc = exit_ok;
    for (const std::string &path : o.args) {
        auto summary = stats::summarise_file(path);
        if (!summary) {
            // One bad file does not hide the others; the exit code remembers it.
            report("stats", summary.error());
            rc = exit_runtime;
            continue;
        }
        Status st = writer->write(file_record(path, summary.value()));
        for (const auto &b : summary->statistics)
            if (st)
                st = writer->write(isb_record(path, b));
        if (!st) {
            if (st.error().code == EPIPE)
                return rc;
            return stdout_failed("stats", st.error().code);
        }
        if (!summary->complete) {
            eprint("netring stats: {}: read {} frames, stopped at byte {} of {}: {}\n", path,
                   summary->frames, summary->stopped_at, summary->file_size, summary->problem);
            rc = exit_runtime;
        }
    }
    return rc;
}

}  // namespace netring::cli
