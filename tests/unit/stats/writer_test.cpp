// SPDX-License-Identifier: GPL-2.0-or-later
// Writers: JSON lines and CSV parsed back by Python's json and csv modules, text layout, flushing per line.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include "catch.h"
#include "netring/stats/writer.h"
#include "netring/stats/writer_impl.h"
#include "pcap/temp_file.h"

using namespace netring::stats;
using netring::test::TempFile;

namespace {

bool have_python()
{
    return std::system("python3 -c 'import json, csv' >/dev/null 2>&1") == 0;
}

// Runs a Python program on a file; its standard output, and its exit status in rc.
std::string python(const std::string &program, const std::string &file, int &rc)
{
    TempFile script(".py");
    std::ofstream(script.path()) << program;
    const std::string cmd = "python3 " + script.path() + " " + file;
    std::FILE *p = ::popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    for (std::size_t n; p != nullptr && (n = std::fread(buf, 1, sizeof(buf), p)) > 0;)
        out.append(buf, n);
    const int status = p != nullptr ? ::pclose(p) : -1;
    rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

std::string slurp(const std::string &path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Strings that a careless writer gets wrong.
const std::string nasty = "quote\" backslash\\ tab\t newline\n cr\r bell\x07 comma, e\xc3\xa9 euro\xe2\x82\xac";
const std::string not_utf8 = std::string("bad\xff\xfe end\xc3", 10);

Record sample(std::uint64_t i)
{
    Record r;
    r.add("type", "interval").add("ts_ns", std::uint64_t{1'795'000'000'000'000'000ULL} + i).add("interface", "veth0");
    r.add("rx_packets", i * 10).add("rx_pps", 1234.5678 + static_cast<double>(i)).add("latency_min_ns", std::int64_t{-42});
    r.add("gone", i % 2 == 0).add_null("message");
    return r;
}

}  // namespace

TEST_CASE("parse_format knows the three formats")
{
    CHECK(parse_format("text") == Format::text);
    CHECK(parse_format("json") == Format::json);
    CHECK(parse_format("csv") == Format::csv);
    CHECK_FALSE(parse_format("JSON"));
    CHECK_FALSE(parse_format(""));
}

TEST_CASE("json_quote escapes what JSON requires and repairs bad UTF-8")
{
    CHECK(json_quote("plain") == "\"plain\"");
    CHECK(json_quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(json_quote("\n\t\x01") == "\"\\n\\t\\u0001\"");
    CHECK(json_quote("e\xc3\xa9") == "\"e\xc3\xa9\"");
    CHECK(json_quote("\xff") == "\"\\ufffd\"");
    CHECK(json_quote("\xc3") == "\"\\ufffd\"");          // cut short
    CHECK(json_quote("\xc0\xaf") == "\"\\ufffd\\ufffd\"");  // overlong
    CHECK(json_quote("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
}

TEST_CASE("JSON lines: every line parses with Python's json, values intact")
{
    if (!have_python()) {
        WARN("python3 not found: JSON check skipped");
        return;
    }
    TempFile out(".ndjson");
    {
        std::FILE *f = std::fopen(out.path().c_str(), "w");
        REQUIRE(f != nullptr);
        auto w = make_writer(Format::json, f, {});
        for (std::uint64_t i = 0; i < 3; ++i)
            REQUIRE(w->write(sample(i)));
        Record odd;
        odd.add("type", "odd").add(nasty, nasty).add("bytes", not_utf8);
        odd.add("max", std::numeric_limits<std::uint64_t>::max()).add("min", std::numeric_limits<std::int64_t>::min());
        odd.add("nan", std::nan("")).add("inf", std::numeric_limits<double>::infinity()).add("big", 1e300);
        REQUIRE(w->write(odd));
        std::fclose(f);
    }
    int rc = -1;
    const std::string got = python(R"(
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "the output must end with a newline"
objs = [json.loads(l) for l in lines[:-1]]
assert len(objs) == 4, len(objs)
for i, o in enumerate(objs[:3]):
    assert list(o) == ["type", "ts_ns", "interface", "rx_packets", "rx_pps", "latency_min_ns", "gone", "message"], list(o)
    assert o["type"] == "interval" and o["interface"] == "veth0"
    assert o["ts_ns"] == 1795000000000000000 + i and isinstance(o["ts_ns"], int)
    assert o["rx_packets"] == 10 * i and isinstance(o["rx_packets"], int)
    assert abs(o["rx_pps"] - (1234.5678 + i)) < 0.001
    assert o["latency_min_ns"] == -42
    assert o["gone"] is (i % 2 == 0)
    assert o["message"] is None
odd = objs[3]
nasty = "quote\" backslash\\ tab\t newline\n cr\r bell\x07 comma, e\u00e9 euro\u20ac"
assert odd[nasty] == nasty, repr(odd)
assert odd["bytes"] == "bad\ufffd\ufffd end\ufffd", repr(odd["bytes"])
assert odd["max"] == 2**64 - 1 and odd["min"] == -2**63
assert odd["nan"] is None and odd["inf"] is None
assert odd["big"] == 1e300
print("ok")
)", out.path(), rc);
    INFO(slurp(out.path()));
    CHECK(got == "ok\n");
    CHECK(rc == 0);
}

TEST_CASE("CSV: one header, rows parse with Python's csv, unknown fields left out")
{
    if (!have_python()) {
        WARN("python3 not found: CSV check skipped");
        return;
    }
    TempFile out(".csv");
    {
        std::FILE *f = std::fopen(out.path().c_str(), "w");
        REQUIRE(f != nullptr);
        Layout l;
        l.columns = {"type", "ts_ns", "interface", "rx_packets", "rx_pps", "latency_min_ns", "gone", "message", "text"};
        auto w = make_writer(Format::csv, f, l);
        REQUIRE(w->write(sample(1)));
        Record other;
        other.add("type", "summary").add("text", nasty).add("not_a_column", 5U).add("rx_pps", std::nan(""));
        REQUIRE(w->write(other));
        REQUIRE(w->write(sample(2)));
        std::fclose(f);
    }
    int rc = -1;
    const std::string got = python(R"(
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows[0] == ["type", "ts_ns", "interface", "rx_packets", "rx_pps", "latency_min_ns", "gone", "message", "text"], rows[0]
assert len(rows) == 4, rows
assert rows[1] == ["interval", "1795000000000000001", "veth0", "10", "1235.568", "-42", "false", "", ""], rows[1]
nasty = "quote\" backslash\\ tab\t newline\n cr\r bell\x07 comma, e\u00e9 euro\u20ac"
assert rows[2] == ["summary", "", "", "", "", "", "", "", nasty], rows[2]
assert rows[3][0] == "interval" and rows[3][3] == "20" and rows[3][6] == "true"
print("ok")
)", out.path(), rc);
    INFO(slurp(out.path()));
    CHECK(got == "ok\n");
    CHECK(rc == 0);
}

TEST_CASE("each line is flushed when written, before the stream is closed")
{
    TempFile out(".ndjson");
    std::FILE *f = std::fopen(out.path().c_str(), "w");
    REQUIRE(f != nullptr);
    for (Format format : {Format::json, Format::csv, Format::text}) {
        Layout l;
        l.columns = {"type", "rx_packets"};
        auto w = make_writer(format, f, l);
        const std::size_t before = slurp(out.path()).size();
        REQUIRE(w->write(sample(1)));
        const std::string now = slurp(out.path());
        CHECK(now.size() > before);
        CHECK(now.back() == '\n');
    }
    std::fclose(f);
}

TEST_CASE("a write that fails reports errno")
{
    std::FILE *f = std::fopen("/dev/full", "w");
    if (f == nullptr) {
        WARN("/dev/full not available");
        return;
    }
    auto w = make_writer(Format::json, f, {});
    const netring::Status st = w->write(sample(1));
    REQUIRE_FALSE(st);
    CHECK(st.error().code == ENOSPC);
    std::fclose(f);
}

TEST_CASE("text: aligned table rows under one header, blocks for the rest")
{
    TempFile out(".txt");
    std::FILE *f = std::fopen(out.path().c_str(), "w");
    REQUIRE(f != nullptr);
    Layout l;
    TextTable t;
    t.type = "interval";
    t.columns = {{"interface", "interface", 10}, {"rx_packets", "packets", 9}, {"rx_pps", "rx pps", 8}};
    t.extra_prefix = "driver_";
    l.tables.push_back(t);
    auto w = make_writer(Format::text, f, l);
    Record a = sample(1);
    a.add("driver_xdp_drops", 3U).add("driver_quiet", 0U);
    REQUIRE(w->write(a));
    REQUIRE(w->write(sample(2)));
    Record s;
    s.add("type", "summary").add("interface", "veth0").add("elapsed_ns", std::uint64_t{2'500'000'000}).add("rx_bps", 1.5e6);
    REQUIRE(w->write(s));
    REQUIRE(w->write(sample(3)));
    std::fclose(f);
    const std::string text = slurp(out.path());
    CHECK(text ==
          "interface    packets   rx pps\n"
          "veth0             10    1.24k\n"
          "  xdp_drops=3\n"
          "veth0             20    1.24k\n"
          "summary veth0\n"
          "  elapsed_ns  2.500 s\n"
          "  rx_bps      1.50M bit/s\n"
          "interface    packets   rx pps\n"
          "veth0             30    1.24k\n");
}

TEST_CASE("human_value: SI rates, durations, clock times, absent values")
{
    CHECK(human_value("rx_pps", Value{999.0}, true, true) == "999 pps");
    CHECK(human_value("rx_pps", Value{1000.0}, false, true) == "1.00k");
    CHECK(human_value("rx_bps", Value{12'345'678.0}, true, true) == "12.3M bit/s");
    CHECK(human_value("rx_bps", Value{987'654'321'000.0}, false, true) == "988G");
    CHECK(human_value("latency_p99_ns", Value{std::int64_t{1500}}, true, true) == "1.50 us");
    CHECK(human_value("latency_min_ns", Value{std::int64_t{-2'000'000}}, true, true) == "-2.000 ms");
    CHECK(human_value("elapsed_ns", Value{std::uint64_t{999}}, true, true) == "999 ns");
    CHECK(human_value("frames", Value{std::uint64_t{42}}, true, true) == "42");
    CHECK(human_value("x", Value{}, true, true) == "-");
    CHECK(human_value("gone", Value{true}, true, true) == "yes");
    CHECK(human_value("ts_ns", Value{std::uint64_t{1'000'000'123'000'000'000ULL}}, true, true).size() == 12);
}

TEST_CASE("CSV cells are quoted only when they must be")
{
    CHECK(csv_cell("plain") == "plain");
    CHECK(csv_cell("a,b") == "\"a,b\"");
    CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_cell("two\nlines") == "\"two\nlines\"");
}
