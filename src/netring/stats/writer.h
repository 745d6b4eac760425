// SPDX-License-Identifier: GPL-2.0-or-later
// RecordWriter: text for people, JSON lines and CSV for scripts; one line per record, flushed at once.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netring/base/result.h"
#include "netring/stats/record.h"

namespace netring::stats {

enum class Format { text, json, csv };

std::optional<Format> parse_format(std::string_view name);

// A column of the text table.
struct TextColumn {
    std::string name;    // field name
    std::string header;  // what the header line says
    int width = 10;
};

// text: records of one "type" as aligned rows under a header line.
struct TextTable {
    std::string type;
    std::vector<TextColumn> columns;
    int indent = 0;
    // Non-zero number fields whose names start with this (and are not
    // columns) follow the row on an indented "name=value ..." line.
    std::string extra_prefix;
};

// What the writers need to know before the first record.
struct Layout {
    // csv: every field any record may carry, in column order; the header
    // line lists them and fields not listed are left out.
    std::vector<std::string> columns;
    // text: records whose type has a table become its rows; the header is
    // printed again whenever rows of another table came in between. Other
    // records are printed as blocks of "name  value" lines.
    std::vector<TextTable> tables;
};

class RecordWriter {
public:
    virtual ~RecordWriter() = default;
    // Writes and flushes one record; an error carries errno (EPIPE when the
    // reader went away).
    virtual Status write(const Record &record) = 0;
};

std::unique_ptr<RecordWriter> make_writer(Format format, std::FILE *out, Layout layout);

// JSON string literal for s, quotes included; bytes that are not valid UTF-8
// become U+FFFD so that every line parses.
std::string json_quote(std::string_view s);

// A CSV cell for s (RFC 4180: quoted when it holds a comma, quote or line break).
std::string csv_cell(std::string_view s);

// A finite double for JSON and CSV: three decimals (rates), or the shortest
// exact form once it is too large for decimals to matter (1e+300).
std::string number(double v);

// Flushes out and turns a failure into an Error.
Status flush_line(std::FILE *out);

}  // namespace netring::stats
