// SPDX-License-Identifier: GPL-2.0-or-later
// A write that stops part way, as on a full disk, without a small file system;
// and the check that a writer cut short so leaves a file of whole frames.
#pragma once

#include <csignal>
#include <cstdint>
#include <string>
#include <sys/resource.h>
#include <vector>

#include <pcap/pcap.h>

#include "catch.h"
#include "netring/pcap/sink.h"

namespace netring::test {

// RLIMIT_FSIZE makes write() stop part way with EFBIG, as a full disk stops
// it with ENOSPC.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit r = saved_;
        r.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &r);
    }
    ~FileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &saved_); }
    FileSizeLimit(const FileSizeLimit &) = delete;
    FileSizeLimit &operator=(const FileSizeLimit &) = delete;

private:
    rlimit saved_{};
};

// Frame i of write_until_full: this many bytes, each of value i mod 256.
inline std::uint32_t cut_short_length(std::uint64_t i) { return static_cast<std::uint32_t>(60 + (i * 97) % 1455); }

// Writes frames through `sink` with the file limited to `limit` bytes, until
// a write fails; then checks, through libpcap, that the file holds exactly
// the frames the sink says it wrote, each whole, and ends cleanly.
inline void check_cut_short(FrameSink &sink, const std::string &path, rlim_t limit)
{
    Status st;
    std::uint64_t accepted = 0;
    {
        FileSizeLimit guard(limit);
        for (std::uint32_t i = 0; i < 1000 && st.ok(); ++i) {
            const std::vector<std::uint8_t> bytes(cut_short_length(i), static_cast<std::uint8_t>(i));
            Frame f;
            f.data = bytes.data();
            f.caplen = f.wirelen = static_cast<std::uint32_t>(bytes.size());
            f.ts_ns = 1'700'000'000'000'000'000ULL + i;
            f.direction = Direction::inbound;
            st = sink.write(f);
            accepted += st.ok() ? 1 : 0;
        }
    }
    REQUIRE_FALSE(st.ok());
    const std::uint64_t kept = sink.frames_written();
    CHECK(kept > 0);
    CHECK(kept < accepted);

    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_t *p = pcap_open_offline(path.c_str(), err);
    REQUIRE(p != nullptr);
    pcap_pkthdr *h = nullptr;
    const u_char *data = nullptr;
    std::uint64_t n = 0;
    int rc = 0;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        CHECK(h->caplen == cut_short_length(n));
        CHECK(data[0] == static_cast<std::uint8_t>(n));
        ++n;
    }
    CHECK(rc == PCAP_ERROR_BREAK);  // a clean end, not a truncated record
    pcap_close(p);
    CHECK(n == kept);
}

}  // namespace netring::test
