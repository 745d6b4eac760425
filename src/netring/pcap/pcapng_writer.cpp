// SPDX-License-Identifier: GPL-2.0-or-later
// pcapng blocks: SHB, IDB, EPB with flags/queue/hash/dropcount, ISB.
#include "netring/pcap/pcapng_writer.h"

#include <cstring>
#include <sys/utsname.h>

#include <fmt/format.h>

#include "netring/pcap/pcapng_format.h"

namespace netring {

namespace {

using namespace netring::pcapng;

// Builds one non-EPB block in memory; these are rare, so clarity beats speed.
class BlockBuilder {
public:
    explicit BlockBuilder(std::uint32_t type)
    {
        u32(type);
        u32(0);  // total length, patched in finish()
    }
    void u8(std::uint8_t v) { bytes_.push_back(v); }
    void u16(std::uint16_t v) { raw(&v, sizeof(v)); }
    void u32(std::uint32_t v) { raw(&v, sizeof(v)); }
    void u64(std::uint64_t v) { raw(&v, sizeof(v)); }
    void raw(const void *p, std::size_t n)
    {
        const auto *b = static_cast<const std::uint8_t *>(p);
        bytes_.insert(bytes_.end(), b, b + n);
    }
    void option(std::uint16_t code, const void *value, std::size_t n)
    {
        u16(code);
        u16(static_cast<std::uint16_t>(n));
        raw(value, n);
        bytes_.resize(pad4(static_cast<std::uint32_t>(bytes_.size())), 0);
    }
    void option(std::uint16_t code, const std::string &s)
    {
        if (!s.empty())
            option(code, s.data(), std::min<std::size_t>(s.size(), 0xfff0));
    }
    void option_u64(std::uint16_t code, std::uint64_t v) { option(code, &v, sizeof(v)); }
    // A timestamp option: high and low 32-bit words, as in the EPB.
    void option_ts(std::uint16_t code, std::uint64_t ts)
    {
        const std::uint32_t words[2] = {static_cast<std::uint32_t>(ts >> 32), static_cast<std::uint32_t>(ts)};
        option(code, words, sizeof(words));
    }
    const std::vector<std::uint8_t> &finish(bool has_options)
    {
        if (has_options)
            option(opt_endofopt, nullptr, 0);
        const auto total = static_cast<std::uint32_t>(bytes_.size() + 4);
        u32(total);
        std::memcpy(bytes_.data() + 4, &total, 4);
        return bytes_;
    }

private:
    std::vector<std::uint8_t> bytes_;
};

std::string os_name()
{
    utsname u{};
    if (::uname(&u) != 0)
        return "Linux";
    return fmt::format("{} {}", u.sysname, u.release);
}

// pcapng is written in host byte order (the SHB's magic says which).
inline void store_u32(std::uint8_t *p, std::uint32_t v)
{
    std::memcpy(p, &v, sizeof(v));
}

std::uint64_t to_resolution(std::uint64_t ts_ns, std::uint8_t tsresol)
{
    return tsresol == 6 ? ts_ns / 1000 : ts_ns;
}

// Every block says its own length; only EPBs carry frames.
std::size_t pcapng_block(const std::uint8_t *p, std::uint64_t, bool &is_frame)
{
    std::uint32_t type = 0;
    std::uint32_t total = 0;
    std::memcpy(&type, p, 4);
    std::memcpy(&total, p + 4, 4);
    is_frame = type == block_epb;
    return total;
}

}  // namespace

Result<std::unique_ptr<PcapngWriter>> PcapngWriter::create(Output out, std::span<const InterfaceDescription> ifaces,
                                                           const std::string &userappl)
{
    out.set_walker(&pcapng_block);
    BlockBuilder shb(block_shb);
    shb.u32(byte_order_magic);
    shb.u16(1);  // major
    shb.u16(0);  // minor
    shb.u64(~0ULL);  // section length unknown: we stream
    shb.option(shb_os, os_name());
    shb.option(shb_userappl, userappl);
    auto block = shb.finish(true);
    if (auto st = out.append(block.data(), block.size(), false); !st)
        return st.error();

    std::vector<std::uint8_t> tsresol;
    for (const InterfaceDescription &d : ifaces) {
        BlockBuilder idb(block_idb);
        idb.u16(d.linktype);
        idb.u16(0);
        idb.u32(d.snaplen);
        idb.option(if_name, d.name);
        idb.option(if_description, d.description);
        idb.option(if_tsresol, &d.tsresol, 1);
        if (!d.filter.empty()) {
            // The first octet says which syntax follows: 0 is libpcap's.
            std::string value(1, '\0');
            value += d.filter;
            idb.option(if_filter, value);
        }
        idb.option(if_os, os_name());
        idb.option(if_hardware, d.hardware);
        const auto &b = idb.finish(true);
        if (auto st = out.append(b.data(), b.size(), false); !st)
            return st.error();
        tsresol.push_back(d.tsresol);
    }
    return std::unique_ptr<PcapngWriter>(new PcapngWriter(std::move(out), std::move(tsresol)));
}

Status PcapngWriter::fail_status() const
{
    return out_.failure() ? Status(*out_.failure()) : Status(Error::logic("pcapng writer used after finish"));
}

// The hot path: one reserve, a fixed header, the bytes, a few options, all
// stored straight into the output buffer (a header assembled on the stack
// and copied costs a store-forwarding stall per frame).
Status PcapngWriter::write(const Frame &f)
{
    const std::uint32_t padded = pad4(f.caplen);
    // One byte load each: tested together, the two adjacent bytes are read as
    // one 16-bit load, which cannot take its value from the two byte stores
    // that just wrote them (a store-forwarding stall per frame).
    const std::uint32_t flags =
        static_cast<std::uint32_t>(f.direction) | (static_cast<std::uint32_t>(f.reception) << 2);
    const bool has_flags = flags != 0;
    const bool has_queue = f.queue != Frame::no_queue;
    std::uint32_t opts = 0;
    opts += has_flags ? 8 : 0;
    opts += has_queue ? 8 : 0;
    opts += f.has_hash ? 12 : 0;
    opts += f.drops_before != 0 ? 12 : 0;
    opts += opts != 0 ? 4 : 0;
    const std::uint32_t total = 28 + padded + opts + 4;

    std::uint8_t *p = finished_ ? nullptr : out_.reserve(total);
    if (p == nullptr)
        return fail_status();
    const std::uint64_t ts = to_resolution(f.ts_ns, f.interface < tsresol_.size() ? tsresol_[f.interface] : 9);
    store_u32(p, block_epb);
    store_u32(p + 4, total);
    store_u32(p + 8, f.interface);
    store_u32(p + 12, static_cast<std::uint32_t>(ts >> 32));
    store_u32(p + 16, static_cast<std::uint32_t>(ts));
    store_u32(p + 20, f.caplen);
    store_u32(p + 24, f.wirelen);
    p += 28;
    // Zero the last word first and let the data overwrite its head: the
    // 1-3 pad bytes then need no memset call.
    if (padded != f.caplen)
        store_u32(p + padded - 4, 0);
    std::memcpy(p, f.data, f.caplen);
    p += padded;
    auto put_option = [&p](std::uint16_t code, std::uint16_t len, const void *value) {
        std::memcpy(p, &code, 2);
        std::memcpy(p + 2, &len, 2);
        std::memcpy(p + 4, value, len);
        const std::uint32_t padded_len = pad4(len);
        std::memset(p + 4 + len, 0, padded_len - len);
        p += 4 + padded_len;
    };
    if (has_flags)
        put_option(epb_flags, 4, &flags);
    if (has_queue)
        put_option(epb_queue, 4, &f.queue);
    if (f.has_hash) {
        // Written in place: staged in a 5-byte array, the hash was read back
        // across two stores, a store-forwarding stall that took half of this
        // function's time with --threads.
        const std::uint16_t code_len[2] = {epb_hash, 5};
        std::memcpy(p, code_len, 4);
        store_u32(p + 8, 0);
        p[4] = hash_toeplitz;
        std::memcpy(p + 5, &f.hash, 4);
        p += 12;
    }
    if (f.drops_before != 0)
        put_option(epb_dropcount, 8, &f.drops_before);
    if (opts != 0)
        store_u32(p, 0);  // opt_endofopt, length 0
    store_u32(p + (opts != 0 ? 4 : 0), total);
    out_.commit(total, true);
    return {};
}

Status PcapngWriter::write_statistics(std::span<const InterfaceCounters> counters, std::uint64_t now_ns)
{
    for (std::size_t i = 0; i < counters.size() && i < tsresol_.size(); ++i) {
        const InterfaceCounters &c = counters[i];
        const std::uint8_t res = tsresol_[i];
        BlockBuilder isb(block_isb);
        isb.u32(static_cast<std::uint32_t>(i));
        const std::uint64_t ts = to_resolution(now_ns, res);
        isb.u32(static_cast<std::uint32_t>(ts >> 32));
        isb.u32(static_cast<std::uint32_t>(ts));
        isb.option_ts(isb_starttime, to_resolution(c.start_ns, res));
        isb.option_ts(isb_endtime, to_resolution(c.end_ns, res));
        if (c.has_interface_counters) {
            isb.option_u64(isb_ifrecv, c.ifrecv);
            isb.option_u64(isb_ifdrop, c.ifdrop);
        }
        isb.option_u64(isb_filteraccept, c.filteraccept);
        isb.option_u64(isb_osdrop, c.osdrop);
        isb.option_u64(isb_usrdeliv, c.usrdeliv);
        const auto &b = isb.finish(true);
        if (auto st = out_.append(b.data(), b.size(), false); !st)
            return st;
    }
    return {};
}

Status PcapngWriter::finish(std::span<const InterfaceCounters> counters)
{
    if (finished_)
        return fail_status();
    finished_ = true;
    std::uint64_t end = 0;
    for (const auto &c : counters)
        end = std::max(end, c.end_ns);
    Status st = write_statistics(counters, end);
    Status closed = out_.close();
    return st.ok() ? closed : st;
}

}  // namespace netring
