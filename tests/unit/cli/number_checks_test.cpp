// SPDX-License-Identifier: GPL-2.0-or-later
// Unsigned options refuse what strtoull would wrap ("-1" as 2^64 - 1); decimal ones
// refuse what strtod reads beyond plain decimals ("0x10" as 16).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "catch.h"
#include "cli/number_checks.h"

using namespace netring::cli;

namespace {

// The error CLI11 gives for `--n TEXT`, or "" when it takes it.
std::string parse(const CLI::Validator &check, const std::string &text)
{
    CLI::App app;
    double n = 0;
    app.add_option("--n", n)->check(check);
    std::vector<std::string> args{"--n", text};
    std::reverse(args.begin(), args.end());  // CLI11 pops from the back
    try {
        app.parse(args);
    } catch (const CLI::ParseError &e) {
        return e.what();
    }
    return "";
}

// The value CLI11 stores for `--n TEXT` into an integer with the check added
// as the CLI adds it (a transform).
std::uint64_t count_of(const CLI::Validator &check, const std::string &text)
{
    CLI::App app;
    std::uint64_t n = 99;
    app.add_option("--n", n)->transform(check);
    std::vector<std::string> args{"--n", text};
    std::reverse(args.begin(), args.end());
    app.parse(args);
    return n;
}

}  // namespace

TEST_CASE("whole numbers: digits only")
{
    for (const char *ok : {"0", "1", "42", "18446744073709551615"})
        CHECK(parse(whole_number, ok).empty());
    for (const char *bad : {"-1", "", "1.5", "+3", "1e3", "0x10", " 7"})
        CHECK(parse(whole_number, bad).find("is not a whole number") != std::string::npos);
}

TEST_CASE("counting numbers: from 1 up, as tcpdump's -c")
{
    for (const char *ok : {"1", "10", "007"})
        CHECK(parse(counting_number, ok).empty());
    for (const char *bad : {"0", "000", "-1", "-0", "2.0"})
        CHECK(parse(counting_number, bad).find("is not a number from 1 up") != std::string::npos);
}

TEST_CASE("positive numbers: decimals above 0")
{
    for (const char *ok : {"0.5", "1", "1e3", "250"})
        CHECK(parse(positive_number, ok).empty());
    for (const char *bad : {"0", "-3", "0.5x", "", "nan", "inf"})
        CHECK(parse(positive_number, bad).find("is not a number above 0") != std::string::npos);
    // strtod's other forms: hex (0x10 would be 16), spelled-out infinity, signs, space, overflow.
    for (const char *bad : {"0x10", "0X1p4", "infinity", "NAN", "+2", " 2", "2 ", "1e999", "1e", "."})
        CHECK(parse(positive_number, bad).find("is not a number above 0") != std::string::npos);
}

TEST_CASE("decimal text: digits, a fraction, an exponent, nothing else")
{
    for (const char *ok : {"2", "0.25", ".5", "5.", "1e-1", "2E+3", "007"})
        CHECK(decimal_text(ok));
    for (const char *bad : {"", ".", "e3", "1e", "1e+", "0x10", "0x1p4", "inf", "nan", "-1", "+1", "1,5", "1 "})
        CHECK_FALSE(decimal_text(bad));
}

TEST_CASE("counts are decimal: leading zeros do not make them octal")
{
    CHECK(count_of(whole_number, "010") == 10);
    CHECK(count_of(whole_number, "0") == 0);
    CHECK(count_of(whole_number, "000") == 0);
    CHECK(count_of(whole_number, "09") == 9);
    CHECK(count_of(counting_number, "007") == 7);
    CHECK(count_of(counting_number, "0100") == 100);
}
