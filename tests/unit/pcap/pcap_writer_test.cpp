// SPDX-License-Identifier: GPL-2.0-or-later
// pcap files written through libpcap's pcap_dump read back identically.
#include <cstring>
#include <vector>

#include <pcap/pcap.h>

#include "catch.h"
#include "netring/pcap/pcap_writer.h"
#include "full_disk.h"
#include "temp_file.h"

using namespace netring;

TEST_CASE("pcap with nanosecond magic holds every frame and its timestamp")
{
    for (std::uint8_t tsresol : {std::uint8_t{9}, std::uint8_t{6}}) {
        test::TempFile file(".pcap");
        auto out = Output::open(file.path(), 4096);
        REQUIRE(out.ok());
        InterfaceDescription idb;
        idb.snaplen = 65535;
        idb.tsresol = tsresol;
        auto w = PcapWriter::create(std::move(out.value()), idb);
        REQUIRE(w.ok());
        std::vector<std::vector<std::uint8_t>> frames;
        for (std::uint32_t i = 0; i < 200; ++i) {
            frames.emplace_back(60 + (i * 37) % 1455, static_cast<std::uint8_t>(i));
            Frame f;
            f.data = frames.back().data();
            f.caplen = static_cast<std::uint32_t>(frames.back().size());
            f.wirelen = f.caplen + (i % 5 == 0 ? 20 : 0);
            f.ts_ns = 1'700'000'000'000'000'000ULL + i * 123'456'789ULL;
            REQUIRE(w.value()->write(f).ok());
        }
        REQUIRE(w.value()->finish({}).ok());
        CHECK(w.value()->frames_written() == 200);

        char err[PCAP_ERRBUF_SIZE] = {};
        pcap_t *p = pcap_open_offline_with_tstamp_precision(file.path().c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
        REQUIRE(p != nullptr);
        CHECK(pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO);
        pcap_pkthdr *h = nullptr;
        const u_char *data = nullptr;
        std::uint32_t i = 0;
        while (pcap_next_ex(p, &h, &data) == 1) {
            REQUIRE(i < frames.size());
            CHECK(h->caplen == frames[i].size());
            CHECK(h->len == h->caplen + (i % 5 == 0 ? 20 : 0));
            CHECK(std::memcmp(data, frames[i].data(), h->caplen) == 0);
            const std::uint64_t ns = 1'700'000'000'000'000'000ULL + i * 123'456'789ULL;
            const std::uint64_t want = tsresol == 9 ? ns : ns / 1000 * 1000;
            CHECK(std::uint64_t(h->ts.tv_sec) * 1'000'000'000ULL + std::uint64_t(h->ts.tv_usec) == want);
            ++i;
        }
        CHECK(i == 200);
        pcap_close(p);
    }
}

TEST_CASE("a pcap file cut short by a full disk ends with its last whole frame")
{
    test::TempFile file(".pcap");
    auto out = Output::open(file.path(), 4096);
    REQUIRE(out.ok());
    InterfaceDescription idb;
    idb.snaplen = 65535;
    auto w = PcapWriter::create(std::move(out.value()), idb);
    REQUIRE(w.ok());
    test::check_cut_short(*w.value(), file.path(), 50'000);
}
