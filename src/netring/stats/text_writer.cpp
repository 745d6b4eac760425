// SPDX-License-Identifier: GPL-2.0-or-later
// Text for people: an aligned table for periodic records, "name  value" blocks for the rest.
#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "netring/stats/writer_impl.h"

namespace netring::stats {

namespace {

bool ends_with(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// 3 significant digits with k/M/G/T: 999, 1.00k, 12.3k, 123k, 1.23M.
std::string si(double v)
{
    static constexpr const char *prefixes[] = {"", "k", "M", "G", "T", "P"};
    double a = std::fabs(v);
    std::size_t p = 0;
    while (a >= 999.5 && p + 1 < std::size(prefixes)) {
        a /= 1000;
        v /= 1000;
        ++p;
    }
    if (p == 0)
        return a == std::floor(a) ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v);
    const int decimals = a < 9.995 ? 2 : a < 99.95 ? 1 : 0;
    return fmt::format("{:.{}f}{}", v, decimals, prefixes[p]);
}

std::string clock_time(std::uint64_t ns, bool short_form)
{
    const auto secs = static_cast<std::time_t>(ns / 1'000'000'000ULL);
    std::tm tm{};
    ::localtime_r(&secs, &tm);
    char buf[64];
    if (short_form) {
        std::strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
        return fmt::format("{}.{:03}", buf, (ns / 1'000'000ULL) % 1000);
    }
    std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    return fmt::format("{}.{:09}", buf, ns % 1'000'000'000ULL);
}

std::string duration(double ns)
{
    const double a = std::fabs(ns);
    if (a < 1e3)
        return fmt::format("{:.0f} ns", ns);
    if (a < 1e6)
        return fmt::format("{:.2f} us", ns / 1e3);
    if (a < 1e9)
        return fmt::format("{:.3f} ms", ns / 1e6);
    return fmt::format("{:.3f} s", ns / 1e9);
}

std::optional<double> number_of(const Value &v)
{
    if (const auto *u = std::get_if<std::uint64_t>(&v))
        return static_cast<double>(*u);
    if (const auto *i = std::get_if<std::int64_t>(&v))
        return static_cast<double>(*i);
    if (const auto *d = std::get_if<double>(&v))
        return *d;
    return std::nullopt;
}

class TextWriter final : public RecordWriter {
public:
    TextWriter(std::FILE *out, std::vector<TextTable> tables) : out_(out), tables_(std::move(tables)) {}

    Status write(const Record &record) override
    {
        line_.clear();
        const TextTable *table = nullptr;
        for (const TextTable &t : tables_)
            if (!t.type.empty() && record.type() == t.type)
                table = &t;
        if (table != nullptr) {
            row(*table, record);
        } else {
            block(record);
            last_table_ = nullptr;
        }
        std::fwrite(line_.data(), 1, line_.size(), out_);
        return flush_line(out_);
    }

private:
    static bool left_aligned(const Value *v) { return v != nullptr && std::holds_alternative<std::string>(*v); }

    void row(const TextTable &t, const Record &record)
    {
        if (last_table_ != &t) {
            line_.append(static_cast<std::size_t>(t.indent), ' ');
            for (const TextColumn &c : t.columns)
                pad(c.header, c.width, left_aligned(record.find(c.name)));
            trim_and_end();
            last_table_ = &t;
        }
        line_.append(static_cast<std::size_t>(t.indent), ' ');
        for (const TextColumn &c : t.columns) {
            const Value *v = record.find(c.name);
            const std::string s = v == nullptr ? "-" : human_value(c.name, *v, false, true);
            pad(s, c.width, left_aligned(v));
        }
        trim_and_end();
        if (t.extra_prefix.empty())
            return;
        std::string extra;
        for (const Field &f : record.fields()) {
            if (f.name.rfind(t.extra_prefix, 0) != 0)
                continue;
            const auto n = number_of(f.value);
            if (!n || *n == 0)
                continue;
            fmt::format_to(std::back_inserter(extra), " {}={}", f.name.substr(t.extra_prefix.size()),
                           human_value(f.name, f.value, true, true));
        }
        if (!extra.empty()) {
            line_.append(static_cast<std::size_t>(t.indent) + 2, ' ');
            line_ += extra.substr(1);
            line_ += '\n';
        }
    }

    void block(const Record &record)
    {
        // "summary nr1b" / "file x.pcap": the type, then what it is about.
        std::string_view title = record.type();
        std::string subject;
        for (const char *key : {"interface", "file"})
            if (const Value *v = record.find(key); v != nullptr && std::holds_alternative<std::string>(*v)) {
                subject = std::get<std::string>(*v);
                break;
            }
        fmt::format_to(std::back_inserter(line_), "{}{}{}\n", title, subject.empty() ? "" : " ", subject);
        std::size_t width = 0;
        for (const Field &f : record.fields())
            width = std::max(width, f.name.size());
        for (const Field &f : record.fields()) {
            if (f.name == "type" || (!subject.empty() && (f.name == "interface" || f.name == "file")))
                continue;
            fmt::format_to(std::back_inserter(line_), "  {:<{}}  {}\n", f.name, width,
                           human_value(f.name, f.value, true, false));
        }
    }

    void pad(const std::string &s, int width, bool left)
    {
        if (left)
            fmt::format_to(std::back_inserter(line_), "{:<{}} ", s, width);
        else
            fmt::format_to(std::back_inserter(line_), "{:>{}} ", s, width);
    }

    void trim_and_end()
    {
        while (!line_.empty() && line_.back() == ' ')
            line_.pop_back();
        line_ += '\n';
    }

    std::FILE *out_;
    std::vector<TextTable> tables_;
    const TextTable *last_table_ = nullptr;
    std::string line_;
};

}  // namespace

std::string human_value(std::string_view name, const Value &v, bool unit, bool short_clock)
{
    if (std::holds_alternative<std::monostate>(v))
        return "-";
    if (const auto *b = std::get_if<bool>(&v))
        return *b ? "yes" : "no";
    if (const auto *s = std::get_if<std::string>(&v))
        return *s;
    const double d = *number_of(v);
    if (ends_with(name, "_pps"))
        return si(d) + (unit ? " pps" : "");
    if (ends_with(name, "_bps"))
        return si(d) + (unit ? " bit/s" : "");
    if (name == "ts_ns" || ends_with(name, "_ts_ns") || ends_with(name, "time_ns")) {
        if (const auto *u = std::get_if<std::uint64_t>(&v))
            return clock_time(*u, short_clock);
    }
    if (ends_with(name, "_ns"))
        return duration(d);
    if (std::holds_alternative<double>(v))
        return fmt::format("{:.1f}", d);
    if (const auto *i = std::get_if<std::int64_t>(&v))
        return fmt::format("{}", *i);
    return fmt::format("{}", std::get<std::uint64_t>(v));
}

std::unique_ptr<RecordWriter> make_text_writer(std::FILE *out, std::vector<TextTable> tables)
{
    return std::make_unique<TextWriter>(out, std::move(tables));
}

}  // namespace netring::stats
