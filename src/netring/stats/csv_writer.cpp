// SPDX-License-Identifier: GPL-2.0-or-later
// CSV: one header line naming the layout's columns, then one row per record.
#include <cmath>

#include <fmt/format.h>

#include "netring/stats/writer.h"

namespace netring::stats {

namespace {

std::string cell_of(const Value &v)
{
    if (const auto *b = std::get_if<bool>(&v))
        return *b ? "true" : "false";
    if (const auto *u = std::get_if<std::uint64_t>(&v))
        return fmt::format("{}", *u);
    if (const auto *i = std::get_if<std::int64_t>(&v))
        return fmt::format("{}", *i);
    if (const auto *d = std::get_if<double>(&v))
        return std::isfinite(*d) ? number(*d) : std::string();
    if (const auto *s = std::get_if<std::string>(&v))
        return csv_cell(*s);
    return {};
}

class CsvWriter final : public RecordWriter {
public:
    CsvWriter(std::FILE *out, std::vector<std::string> columns) : out_(out), columns_(std::move(columns)) {}

    Status write(const Record &record) override
    {
        line_.clear();
        if (!header_done_) {
            for (std::size_t i = 0; i < columns_.size(); ++i) {
                if (i != 0)
                    line_ += ',';
                line_ += csv_cell(columns_[i]);
            }
            line_ += '\n';
            header_done_ = true;
        }
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            if (i != 0)
                line_ += ',';
            if (const Value *v = record.find(columns_[i]))
                line_ += cell_of(*v);
        }
        line_ += '\n';
        std::fwrite(line_.data(), 1, line_.size(), out_);
        return flush_line(out_);
    }

private:
    std::FILE *out_;
    std::vector<std::string> columns_;
    bool header_done_ = false;
    std::string line_;
};

}  // namespace

std::string csv_cell(std::string_view s)
{
    if (s.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::unique_ptr<RecordWriter> make_csv_writer(std::FILE *out, std::vector<std::string> columns)
{
    return std::make_unique<CsvWriter>(out, std::move(columns));
}

}  // namespace netring::stats
