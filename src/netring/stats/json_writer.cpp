// SPDX-License-Identifier: GPL-2.0-or-later
// JSON lines (NDJSON): one object per record, fields in record order.
#include <cmath>

#include <fmt/format.h>

#include "netring/stats/writer.h"

namespace netring::stats {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0.
std::size_t utf8_length(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) {
        n = 2;
        cp = c & 0x1fU;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3;
        cp = c & 0x0fU;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4;
        cp = c & 0x07U;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3fU);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not valid.
    static constexpr std::uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

void append_value(std::string &out, const Value &v)
{
    if (const auto *b = std::get_if<bool>(&v))
        out += *b ? "true" : "false";
    else if (const auto *u = std::get_if<std::uint64_t>(&v))
        fmt::format_to(std::back_inserter(out), "{}", *u);
    else if (const auto *i = std::get_if<std::int64_t>(&v))
        fmt::format_to(std::back_inserter(out), "{}", *i);
    else if (const auto *d = std::get_if<double>(&v))
        // JSON has no NaN or infinity.
        out += std::isfinite(*d) ? number(*d) : "null";
    else if (const auto *s = std::get_if<std::string>(&v))
        out += json_quote(*s);
    else
        out += "null";
}

class JsonLinesWriter final : public RecordWriter {
public:
    explicit JsonLinesWriter(std::FILE *out) : out_(out) {}

    Status write(const Record &record) override
    {
        line_.clear();
        line_ += '{';
        bool first = true;
        for (const Field &f : record.fields()) {
            if (!first)
                line_ += ',';
            first = false;
            line_ += json_quote(f.name);
            line_ += ':';
            append_value(line_, f.value);
        }
        line_ += "}\n";
        std::fwrite(line_.data(), 1, line_.size(), out_);
        return flush_line(out_);
    }

private:
    std::FILE *out_;
    std::string line_;
};

}  // namespace

std::string json_quote(std::string_view s)
{
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default: fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
            }
            ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
        } else if (const std::size_t n = utf8_length(s, i); n != 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\\ufffd";
            ++i;
        }
    }
    out += '"';
    return out;
}

std::unique_ptr<RecordWriter> make_json_writer(std::FILE *out) { return std::make_unique<JsonLinesWriter>(out); }

}  // namespace netring::stats
