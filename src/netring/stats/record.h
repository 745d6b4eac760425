// SPDX-License-Identifier: GPL-2.0-or-later
// Record: one output line of netring stats as ordered, named, typed fields.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace netring::stats {

// monostate is "no value" (JSON null, an empty CSV cell, "-" in text).
using Value = std::variant<std::monostate, bool, std::uint64_t, std::int64_t, double, std::string>;

struct Field {
    std::string name;
    Value value;
};

class Record {
public:
    // The overloads pin each C++ type to one Value alternative, so that a
    // count never turns into a double or a bool by accident.
    Record &add(std::string name, bool v) { return put(std::move(name), Value{v}); }
    template <std::integral T>
        requires(!std::same_as<T, bool> && std::unsigned_integral<T>)
    Record &add(std::string name, T v)
    {
        return put(std::move(name), Value{static_cast<std::uint64_t>(v)});
    }
    template <std::integral T>
        requires(!std::same_as<T, bool> && std::signed_integral<T>)
    Record &add(std::string name, T v)
    {
        return put(std::move(name), Value{static_cast<std::int64_t>(v)});
    }
    Record &add(std::string name, double v) { return put(std::move(name), Value{v}); }
    Record &add(std::string name, std::string v) { return put(std::move(name), Value{std::move(v)}); }
    Record &add(std::string name, const char *v) { return put(std::move(name), Value{std::string(v)}); }
    template <typename T>
    Record &add(std::string name, const std::optional<T> &v)
    {
        if (v)
            return add(std::move(name), *v);
        return put(std::move(name), Value{});
    }
    Record &add_null(std::string name) { return put(std::move(name), Value{}); }

    [[nodiscard]] const std::vector<Field> &fields() const { return fields_; }
    [[nodiscard]] const Value *find(std::string_view name) const;
    // The "type" field, or "" when there is none.
    [[nodiscard]] std::string_view type() const;

private:
    Record &put(std::string name, Value v)
    {
        fields_.push_back(Field{std::move(name), std::move(v)});
        return *this;
    }
    std::vector<Field> fields_;
};

}  // namespace netring::stats
