// SPDX-License-Identifier: GPL-2.0-or-later
// The concrete writers behind make_writer().
#pragma once

#include "netring/stats/writer.h"

namespace netring::stats {

std::unique_ptr<RecordWriter> make_json_writer(std::FILE *out);
std::unique_ptr<RecordWriter> make_csv_writer(std::FILE *out, std::vector<std::string> columns);
std::unique_ptr<RecordWriter> make_text_writer(std::FILE *out, std::vector<TextTable> tables);

// How text shows a value, chosen by the field name's unit suffix:
// _pps and _bps with SI prefixes, ts_ns/_time_ns as a clock time, other
// _ns as a duration. `unit` adds the unit (blocks; table headers carry it).
std::string human_value(std::string_view name, const Value &v, bool unit, bool short_clock);

}  // namespace netring::stats
