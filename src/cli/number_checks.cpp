// SPDX-License-Identifier: GPL-2.0-or-later
// The number validators: digits only, or a decimal number above 0.
#include "number_checks.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace netring::cli {

bool digits_only(const std::string &text)
{
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

bool decimal_text(const std::string &text)
{
    std::size_t i = 0;
    const auto digits = [&] {
        const std::size_t from = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9')
            ++i;
        return i - from;
    };
    std::size_t mantissa = digits();
    if (i < text.size() && text[i] == '.') {
        ++i;
        mantissa += digits();
    }
    if (mantissa == 0)
        return false;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-'))
            ++i;
        if (digits() == 0)
            return false;
    }
    return i == text.size();
}

namespace {

// CLI11 converts integers with base 0, where a leading 0 means octal ("010"
// is 8): what passes as decimal digits loses its leading zeros first.
void strip_leading_zeros(std::string &text)
{
    text.erase(0, std::min(text.find_first_not_of('0'), text.size() - 1));
}

}  // namespace

// Both modify the text: add them with Option::transform(), not check().
const CLI::Validator whole_number(
    [](std::string &text) {
        if (!digits_only(text))
            return fmt::format("'{}' is not a whole number (0, 1, 2, ...)", text);
        strip_leading_zeros(text);
        return std::string();
    },
    "", "whole number");

const CLI::Validator counting_number(
    [](std::string &text) {
        if (!digits_only(text) || text.find_first_not_of('0') == std::string::npos)
            return fmt::format("'{}' is not a number from 1 up", text);
        strip_leading_zeros(text);
        return std::string();
    },
    "", "counting number");

const CLI::Validator positive_number(
    [](const std::string &text) {
        const double v = decimal_text(text) ? std::strtod(text.c_str(), nullptr) : 0;
        return v > 0 && std::isfinite(v) ? std::string() : fmt::format("'{}' is not a number above 0", text);
    },
    "", "positive number");

CLI::Validator non_empty(const std::string &advice)
{
    std::string refusal = advice.empty() ? "the value is empty" : "the value is empty: " + advice;
    return {[refusal](const std::string &text) { return text.empty() ? refusal : std::string(); }, "", "non-empty"};
}

}  // namespace netring::cli
