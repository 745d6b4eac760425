// SPDX-License-Identifier: GPL-2.0-or-later
// pcapng block walk for IDB options (name, time resolution, offset) and ISB counters.
#include "netring/stats/pcapng_statistics.h"

#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace netring::stats {

namespace {

constexpr std::uint32_t shb_type = 0x0a0d0d0a;
constexpr std::uint32_t idb_type = 1;
constexpr std::uint32_t isb_type = 5;
constexpr std::uint32_t bom = 0x1a2b3c4d;
// IDBs and ISBs are small; anything larger than this is read past, not into memory.
constexpr std::uint32_t max_small_block = 1 << 20;

__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;

struct Reader {
    const std::uint8_t *p;
    std::size_t n;
    bool swap;

    [[nodiscard]] std::uint16_t u16(std::size_t off) const
    {
        std::uint16_t v = 0;
        std::memcpy(&v, p + off, 2);
        return swap ? static_cast<std::uint16_t>((v >> 8) | (v << 8)) : v;
    }
    [[nodiscard]] std::uint32_t u32(std::size_t off) const
    {
        std::uint32_t v = 0;
        std::memcpy(&v, p + off, 4);
        return swap ? __builtin_bswap32(v) : v;
    }
    [[nodiscard]] std::uint64_t u64(std::size_t off) const
    {
        std::uint64_t v = 0;
        std::memcpy(&v, p + off, 8);
        return swap ? __builtin_bswap64(v) : v;
    }
};

struct Interface {
    std::string name;
    std::uint8_t tsresol = 6;  // 10^-6 unless the IDB says otherwise
    std::int64_t tsoffset_s = 0;
};

// Timestamp units of an interface to ns since the epoch.
std::uint64_t to_ns(std::uint64_t units, const Interface &i)
{
    u128 ns = 0;
    const unsigned exp = i.tsresol & 0x7fU;
    if ((i.tsresol & 0x80U) != 0) {
        ns = exp >= 64 ? 0 : (static_cast<u128>(units) * 1'000'000'000U) >> exp;
    } else if (exp <= 9) {
        u128 mul = 1;
        for (unsigned k = exp; k < 9; ++k)
            mul *= 10;
        ns = static_cast<u128>(units) * mul;
    } else {
        u128 div = 1;
        for (unsigned k = 9; k < exp && k < 40; ++k)
            div *= 10;
        ns = units / div;
    }
    ns += static_cast<u128>(static_cast<i128>(i.tsoffset_s) * 1'000'000'000);
    return ns > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(ns);
}

// Calls f(code, offset, length) for each option in body[start, end), until
// opt_endofopt or the first option that does not fit.
template <typename F>
void for_each_option(const Reader &r, std::size_t start, std::size_t end, F &&f)
{
    std::size_t off = start;
    while (off + 4 <= end) {
        const std::uint16_t code = r.u16(off);
        const std::uint16_t len = r.u16(off + 2);
        if (code == 0)
            return;
        const std::size_t padded = (static_cast<std::size_t>(len) + 3) & ~std::size_t{3};
        if (off + 4 + len > end)
            return;
        f(code, off + 4, static_cast<std::size_t>(len));
        off += 4 + padded;
    }
}

Interface parse_idb(const Reader &r, std::size_t body, std::size_t end)
{
    Interface i;
    // LinkType (2), reserved (2), SnapLen (4), then options.
    for_each_option(r, body + 8, end, [&](std::uint16_t code, std::size_t off, std::size_t len) {
        if (code == 2)
            i.name.assign(reinterpret_cast<const char *>(r.p + off), strnlen(reinterpret_cast<const char *>(r.p + off), len));
        else if (code == 9 && len >= 1)
            i.tsresol = r.p[off];
        else if (code == 14 && len == 8)
            i.tsoffset_s = static_cast<std::int64_t>(r.u64(off));
    });
    return i;
}

InterfaceStatistics parse_isb(const Reader &r, std::size_t body, std::size_t end, std::uint32_t section,
                              const std::vector<Interface> &interfaces)
{
    InterfaceStatistics s;
    s.section = section;
    s.interface = r.u32(body);
    const Interface none;
    const Interface &itf = s.interface < interfaces.size() ? interfaces[s.interface] : none;
    s.name = itf.name;
    // Interface ID (4), timestamp high and low (8), then options.
    for_each_option(r, body + 12, end, [&](std::uint16_t code, std::size_t off, std::size_t len) {
        if (len != 8)
            return;
        switch (code) {
        case 2:
        case 3: {
            const std::uint64_t units = (std::uint64_t{r.u32(off)} << 32) | r.u32(off + 4);
            (code == 2 ? s.start_ns : s.end_ns) = to_ns(units, itf);
            break;
        }
        case 4: s.ifrecv = r.u64(off); break;
        case 5: s.ifdrop = r.u64(off); break;
        case 6: s.filteraccept = r.u64(off); break;
        case 7: s.osdrop = r.u64(off); break;
        case 8: s.usrdeliv = r.u64(off); break;
        default: break;
        }
    });
    return s;
}

// Block walk over any byte source: read(off, len, out) fills out or fails.
template <typename Read>
PcapngStatistics walk(std::uint64_t size, Read &&read)
{
    PcapngStatistics out;
    std::vector<Interface> interfaces;
    std::uint32_t section = 0;
    bool have_section = false;
    bool swap = false;
    std::uint64_t off = 0;
    std::vector<std::uint8_t> block;
    auto stop = [&](std::string why) {
        out.problem = std::move(why);
        out.problem_offset = off;
        return out;
    };
    while (off < size) {
        std::uint8_t head[12];
        if (size - off < 12 || !read(off, 12, head))
            return stop(fmt::format("block header cut short at byte {} of {}", off, size));
        std::uint32_t type = 0;
        std::memcpy(&type, head, 4);
        if (type == shb_type) {
            std::uint32_t magic = 0;
            std::memcpy(&magic, head + 8, 4);
            if (magic != bom && magic != __builtin_bswap32(bom))
                return stop(fmt::format("section header at byte {} has no byte-order magic", off));
            swap = magic != bom;
            if (have_section)
                ++section;
            have_section = true;
            interfaces.clear();
        } else if (!have_section) {
            return stop("not a pcapng file (no section header first)");
        }
        const Reader hr{head, sizeof(head), swap};
        type = hr.u32(0);
        const std::uint32_t len = hr.u32(4);
        if (len < 12 || len % 4 != 0)
            return stop(fmt::format("block at byte {} has an impossible length {}", off, len));
        if (len > size - off)
            return stop(fmt::format("block at byte {} ({} bytes) runs past the end of the file ({} bytes)", off, len, size));
        if ((type == idb_type || type == isb_type) && len <= max_small_block) {
            block.resize(len);
            if (!read(off, len, block.data()))
                return stop(fmt::format("cannot read the block at byte {}", off));
            const Reader r{block.data(), block.size(), swap};
            if (r.u32(len - 4) != len)
                return stop(fmt::format("block at byte {}: trailing length {} differs from {}", off, r.u32(len - 4), len));
            const std::size_t body = 8;
            const std::size_t end = len - 4;
            if (type == idb_type && end >= body + 8)
                interfaces.push_back(parse_idb(r, body, end));
            else if (type == isb_type && end >= body + 12)
                out.blocks.push_back(parse_isb(r, body, end, section, interfaces));
        }
        off += len;
    }
    return out;
}

}  // namespace

PcapngStatistics parse_pcapng_statistics(const std::uint8_t *data, std::size_t size)
{
    return walk(size, [&](std::uint64_t off, std::size_t len, std::uint8_t *dst) {
        if (off > size || len > size - off)
            return false;
        std::memcpy(dst, data + off, len);
        return true;
    });
}

PcapngStatistics read_pcapng_statistics(const std::string &path)
{
    std::unique_ptr<std::FILE, int (*)(std::FILE *)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    PcapngStatistics out;
    if (!f || std::fseek(f.get(), 0, SEEK_END) != 0) {
        out.problem = "cannot open the file again to read its statistics blocks";
        return out;
    }
    const long end = std::ftell(f.get());
    if (end < 0) {
        out.problem = "cannot tell the file's size";
        return out;
    }
    return walk(static_cast<std::uint64_t>(end), [&](std::uint64_t off, std::size_t len, std::uint8_t *dst) {
        return std::fseek(f.get(), static_cast<long>(off), SEEK_SET) == 0 && std::fread(dst, 1, len, f.get()) == len;
    });
}

}  // namespace netring::stats
