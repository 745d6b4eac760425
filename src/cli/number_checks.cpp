// SPDX-License-Identifier: GPL-2.0-or-later
// The number validators: digits only, or a decimal number above 0.
#include "number_checks.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace netring::cli {

bool digits_only(const std::string &text)
{
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

const CLI::Validator whole_number(
    [](const std::string &text) {
        return digits_only(text) ? std::string() : fmt::format("'{}' is not a whole number (0, 1, 2, ...)", text);
    },
    "", "whole number");

const CLI::Validator counting_number(
    [](const std::string &text) {
        return digits_only(text) && text.find_first_not_of('0') != std::string::npos
                   ? std::string()
                   : fmt::format("'{}' is not a number from 1 up", text);
    },
    "", "counting number");

const CLI::Validator positive_number(
    [](const std::string &text) {
        char *end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        return !text.empty() && *end == '\0' && v > 0 && std::isfinite(v)
                   ? std::string()
                   : fmt::format("'{}' is not a number above 0", text);
    },
    "", "positive number");

CLI::Validator non_empty(const std::string &advice)
{
    std::string refusal = advice.empty() ? "the value is empty" : "the value is empty: " + advice;
    return {[refusal](const std::string &text) { return text.empty() ? refusal : std::string(); }, "", "non-empty"};
}

}  // namespace netring::cli
