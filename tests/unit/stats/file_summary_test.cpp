// SPDX-License-Identifier: GPL-2.0-or-later
// summarise_file against the tcpdump corpus ground truth, hand-made files, truncation and unreadable input.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.h"
#include "netring/pcap/pcapng_writer.h"
#include "netring/stats/file_summary.h"
#include "pcap/temp_file.h"

using namespace netring;
using namespace netring::stats;
using netring::test::TempFile;

namespace {

std::filesystem::path corpus()
{
    const char *dir = std::getenv("SHARED_CAPTURES");
    return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::path();
}

void le32(std::string &b, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        b.push_back(static_cast<char>(v >> (8 * i)));
}

struct Rec {
    std::uint64_t ts_ns;
    std::uint32_t caplen;
    std::uint32_t len;
};

// A nanosecond pcap, Ethernet, with the given records (payload bytes 0x5a).
std::string pcap_bytes(const std::vector<Rec> &recs)
{
    std::string b;
    le32(b, 0xa1b23c4d);
    b += std::string("\x02\x00\x04\x00", 4);
    le32(b, 0);
    le32(b, 0);
    le32(b, 65535);
    le32(b, 1);
    for (const Rec &r : recs) {
        le32(b, static_cast<std::uint32_t>(r.ts_ns / 1'000'000'000));
        le32(b, static_cast<std::uint32_t>(r.ts_ns % 1'000'000'000));
        le32(b, r.caplen);
        le32(b, r.len);
        b.append(r.caplen, '\x5a');
    }
    return b;
}

void write_file(const std::string &path, const std::string &bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace

TEST_CASE("every corpus file: frames, bytes, largest frame and snapped frames as the ground truth says")
{
    // meson passes SHARED_CAPTURES to every unit test, so a corpus missing
    // there is a broken checkout, not a reason to pass.
    if (std::getenv("SHARED_CAPTURES") == nullptr)
        FAIL("SHARED_CAPTURES is not set: run the tests through meson test");
    std::ifstream tsv(corpus() / "ethernet.tsv");
    if (!tsv)
        FAIL("the capture corpus is missing: cannot read " << (corpus() / "ethernet.tsv").string());
    int files = 0;
    for (std::string line; std::getline(tsv, line);) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream in(line);
        std::string name, format;
        std::uint64_t packets = 0, bytes = 0, max_caplen = 0, snapped = 0;
        in >> name >> format >> packets >> bytes >> max_caplen >> snapped;
        INFO(name);
        auto s = summarise_file((corpus() / "ethernet" / name).string());
        REQUIRE(s.ok());
        CHECK(s->complete);
        CHECK(s->format == format);
        CHECK(s->linktype == 1);
        CHECK(s->linktype_name == "EN10MB");
        CHECK(s->frames == packets);
        CHECK(s->captured_bytes == bytes);
        CHECK(s->caplen_max == max_caplen);
        CHECK(s->snapped == snapped);
        CHECK(s->wire_bytes >= s->captured_bytes);
        ++files;
    }
    CHECK(files == 479);
}

TEST_CASE("a pcapng stamp past 2262 is the latest time, not an overflow")
{
    // Microseconds in 64 bits reach far past the last nanosecond that 64
    // signed bits hold (a damaged or hostile EPB): its frame is the later one.
    TempFile f(".pcapng");
    {
        auto out = Output::open(f.path());
        REQUIRE(out.ok());
        InterfaceDescription idb;
        idb.name = "eth0";
        idb.snaplen = 65535;
        idb.tsresol = 6;
        auto w = PcapngWriter::create(std::move(out.value()), std::span(&idb, 1), "test");
        REQUIRE(w.ok());
        const std::vector<std::uint8_t> bytes(60, 0x5a);
        for (const std::uint64_t ts : {1'700'000'000'000'000'000ULL, 0xF000'0000'0000'0000ULL}) {
            Frame fr;
            fr.data = bytes.data();
            fr.caplen = fr.wirelen = 60;
            fr.ts_ns = ts;
            REQUIRE(w.value()->write(fr).ok());
        }
        REQUIRE(w.value()->finish({}).ok());
    }
    auto s = summarise_file(f.path());
    REQUIRE(s.ok());
    CHECK(s->frames == 2);
    CHECK(s->first_ns == 1'700'000'000'000'000'000ULL);
    CHECK(s->last_ns == static_cast<std::uint64_t>(INT64_MAX));
    CHECK(s->time_ordered);
}

TEST_CASE("a hand-made pcap: times, sizes, rates and order")
{
    TempFile f(".pcap");
    const std::uint64_t t0 = 1'700'000'000'000'000'000ULL;
    write_file(f.path(), pcap_bytes({{t0 + 500, 60, 60},
                                     {t0, 100, 1514},  // older than the one before, and snapped
                                     {t0 + 2'000'000'000, 80, 80}}));
    auto s = summarise_file(f.path());
    REQUIRE(s.ok());
    CHECK(s->format == "pcap");
    CHECK(s->complete);
    CHECK(s->frames == 3);
    CHECK(s->captured_bytes == 240);
    CHECK(s->wire_bytes == 1654);
    CHECK(s->first_ns == t0);
    CHECK(s->last_ns == t0 + 2'000'000'000);
    CHECK(s->duration_ns() == 2'000'000'000);
    CHECK(s->average_pps() == Approx(1.5));
    CHECK(s->average_bps() == Approx(1654 * 8 / 2.0));
    CHECK(s->wire_min == 60);
    CHECK(s->wire_max == 1514);
    CHECK(s->caplen_max == 100);
    CHECK(s->snapped == 1);
    CHECK_FALSE(s->time_ordered);
    CHECK(s->average_wire_len() == Approx(1654 / 3.0));
}

TEST_CASE("a file cut inside a record reports the frames before it and where it stopped")
{
    const std::string whole = pcap_bytes({{1'700'000'000'000'000'000ULL, 60, 60}, {1'700'000'001'000'000'000ULL, 60, 60},
                                          {1'700'000'002'000'000'000ULL, 60, 60}});
    REQUIRE(whole.size() == 24 + 3 * 76);
    for (const std::size_t cut : {24 + 76 + 10, 24 + 76 + 16 + 59, 24 + 2 * 76 + 3}) {
        INFO("cut at " << cut);
        TempFile f(".pcap");
        write_file(f.path(), whole.substr(0, cut));
        auto s = summarise_file(f.path());
        REQUIRE(s.ok());
        CHECK_FALSE(s->complete);
        CHECK_FALSE(s->problem.empty());
        CHECK(s->frames == (cut - 24) / 76);
        CHECK(s->stopped_at == 24 + 76 * s->frames);
        CHECK(s->file_size == cut);
    }
    // Cut exactly between records, the file is whole (with fewer frames).
    TempFile f(".pcap");
    write_file(f.path(), whole.substr(0, 24 + 76));
    auto s = summarise_file(f.path());
    REQUIRE(s.ok());
    CHECK(s->complete);
    CHECK(s->frames == 1);
}

TEST_CASE("files that cannot be read at all are errors with errno")
{
    auto missing = summarise_file("/nonexistent/netring-test.pcap");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == ENOENT);

    auto dir = summarise_file("/tmp");
    REQUIRE_FALSE(dir.ok());
    CHECK(dir.error().code == EISDIR);

    TempFile text(".txt");
    write_file(text.path(), "this is not a capture file, only some text\n");
    auto junk = summarise_file(text.path());
    REQUIRE_FALSE(junk.ok());
    CHECK(junk.error().message().find("not a capture file") != std::string::npos);

    TempFile empty(".pcap");
    auto nothing = summarise_file(empty.path());
    REQUIRE_FALSE(nothing.ok());
}
