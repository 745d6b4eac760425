// SPDX-License-Identifier: GPL-2.0-or-later
// One pass over a capture file with pcap_next_ex, then the pcapng statistics blocks.
#include "netring/stats/file_summary.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <memory>
#include <sys/stat.h>

#include <fmt/format.h>
#include <pcap/pcap.h>

#include "netring/stats/counter.h"

namespace netring::stats {

namespace {

struct PcapCloser {
    void operator()(pcap_t *p) const { pcap_close(p); }
};

constexpr std::uint32_t pcapng_magic = 0x0a0d0d0a;

}  // namespace

double FileSummary::average_pps() const { return per_second(frames, duration_ns()); }
double FileSummary::average_bps() const { return bits_per_second(wire_bytes, duration_ns()); }
double FileSummary::average_wire_len() const
{
    return frames == 0 ? 0.0 : static_cast<double>(wire_bytes) / static_cast<double>(frames);
}

Result<FileSummary> summarise_file(const std::string &path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("cannot read '{}'", path));
    }
    if (S_ISDIR(st.st_mode))
        return Error::sys(EISDIR, fmt::format("cannot read '{}'", path));
    std::FILE *fp = std::fopen(path.c_str(), "rb");
    if (fp == nullptr) {
        const int err = errno;
        return Error::sys(err, fmt::format("cannot read '{}'", path));
    }
    FileSummary s;
    s.file_size = static_cast<std::uint64_t>(st.st_size);
    std::uint32_t magic = 0;
    const bool have_magic = std::fread(&magic, 1, sizeof(magic), fp) == sizeof(magic);
    const bool pcapng = have_magic && magic == pcapng_magic;
    s.format = pcapng ? "pcapng" : "pcap";
    std::rewind(fp);

    char errbuf[PCAP_ERRBUF_SIZE] = {};
    // On success libpcap owns fp and closes it with the pcap_t.
    std::unique_ptr<pcap_t, PcapCloser> p(pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf));
    if (!p) {
        std::fclose(fp);
        return Error::logic(fmt::format("'{}' is not a capture file libpcap can read: {}", path, errbuf));
    }
    s.linktype = pcap_datalink(p.get());
    const char *name = pcap_datalink_val_to_name(s.linktype);
    const char *desc = pcap_datalink_val_to_description(s.linktype);
    s.linktype_name = name != nullptr ? name : fmt::format("DLT_{}", s.linktype);
    s.linktype_description = desc != nullptr ? desc : "unknown";

    // Opening read the file header (pcapng: up to the first packet block).
    if (const long pos = std::ftell(pcap_file(p.get())); pos >= 0)
        s.stopped_at = static_cast<std::uint64_t>(pos);
    std::uint64_t previous_ns = 0;
    for (;;) {
        pcap_pkthdr *h = nullptr;
        const std::uint8_t *data = nullptr;
        const int rc = pcap_next_ex(p.get(), &h, &data);
        if (rc == PCAP_ERROR_BREAK)
            break;
        if (rc != 1) {
            s.complete = false;
            s.problem = pcap_geterr(p.get());
            break;
        }
        // pcap records hold unsigned 32-bit seconds, which libpcap 1.10 sign-extends:
        // times from 2038 on would come out before 1970 (capinfos reads them unsigned).
        std::int64_t sec = h->ts.tv_sec;
        if (sec < 0 && !pcapng)
            sec += std::int64_t{1} << 32;
        // A damaged record may hold a negative fraction: no time before the
        // epoch; or (pcapng's 64-bit stamps) seconds past 2262, the last
        // nanosecond 64 bits hold: that one, not an overflow.
        std::int64_t signed_ns = 0;
        if (__builtin_mul_overflow(sec, 1'000'000'000LL, &signed_ns) ||
            __builtin_add_overflow(signed_ns, static_cast<std::int64_t>(h->ts.tv_usec), &signed_ns))
            signed_ns = sec < 0 ? 0 : std::numeric_limits<std::int64_t>::max();
        const std::uint64_t ts = signed_ns < 0 ? 0 : static_cast<std::uint64_t>(signed_ns);
        if (s.frames == 0) {
            s.first_ns = s.last_ns = ts;
            s.wire_min = s.wire_max = h->len;
        } else {
            s.time_ordered = s.time_ordered && ts >= previous_ns;
            s.first_ns = std::min(s.first_ns, ts);
            s.last_ns = std::max(s.last_ns, ts);
            s.wire_min = std::min(s.wire_min, h->len);
            s.wire_max = std::max(s.wire_max, h->len);
        }
        previous_ns = ts;
        ++s.frames;
        s.captured_bytes += h->caplen;
        s.wire_bytes += h->len;
        s.caplen_max = std::max(s.caplen_max, h->caplen);
        if (h->caplen < h->len)
            ++s.snapped;
        // libpcap reads whole records, so here the stream sits just past this frame.
        if (const long pos = std::ftell(pcap_file(p.get())); pos >= 0)
            s.stopped_at = static_cast<std::uint64_t>(pos);
    }

    if (pcapng) {
        PcapngStatistics isb = read_pcapng_statistics(path);
        s.statistics = std::move(isb.blocks);
        // libpcap's own message says more about damage it ran into.
        if (s.complete && !isb.problem.empty()) {
            s.complete = false;
            s.problem = isb.problem;
        }
    }
    return s;
}

}  // namespace netring::stats
