// SPDX-License-Identifier: GPL-2.0-or-later
// Field lookup in a Record.
#include "netring/stats/record.h"

namespace netring::stats {

const Value *Record::find(std::string_view name) const
{
    for (const Field &f : fields_)
        if (f.name == name)
            return &f.value;
    return nullptr;
}

std::string_view Record::type() const
{
    const Value *v = find("type");
    if (v == nullptr)
        return {};
    if (const auto *s = std::get_if<std::string>(v))
        return *s;
    return {};
}

}  // namespace netring::stats
