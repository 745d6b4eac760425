// SPDX-License-Identifier: GPL-2.0-or-later
// The pcapng writer's blocks, read back by libpcap and, when installed, tshark.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include <pcap/pcap.h>

#include "catch.h"
#include "netring/pcap/pcapng_format.h"
#include "netring/pcap/pcapng_writer.h"
#include "full_disk.h"
#include "temp_file.h"

using namespace netring;

namespace {

std::vector<std::uint8_t> make_frame(std::uint32_t len, std::uint8_t seed)
{
    std::vector<std::uint8_t> f(len);
    for (std::uint32_t i = 0; i < len; ++i)
        f[i] = static_cast<std::uint8_t>(seed + i * 7);
    return f;
}

std::vector<std::uint8_t> slurp(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::uint32_t u32_at(const std::vector<std::uint8_t> &b, std::size_t off)
{
    std::uint32_t v = 0;
    std::memcpy(&v, b.data() + off, 4);
    return v;
}

std::uint64_t u64_at(const std::vector<std::uint8_t> &b, std::size_t off)
{
    std::uint64_t v = 0;
    std::memcpy(&v, b.data() + off, 8);
    return v;
}

// Where each Enhanced Packet Block starts, walking every block by its length.
std::vector<std::size_t> epb_offsets(const std::vector<std::uint8_t> &bytes)
{
    std::vector<std::size_t> epbs;
    std::size_t off = 0;
    while (off + 8 <= bytes.size()) {
        const std::uint32_t len = u32_at(bytes, off + 4);
        REQUIRE(len >= 12);
        if (u32_at(bytes, off) == pcapng::block_epb)
            epbs.push_back(off);
        off += len;
    }
    return epbs;
}

struct Written {
    std::vector<std::vector<std::uint8_t>> frames;
    std::vector<std::uint64_t> ts;
};

Written write_sample(const std::string &path, std::uint8_t tsresol)
{
    auto out = Output::open(path, 4096);  // small buffer: several flushes
    REQUIRE(out.ok());
    InterfaceDescription idb;
    idb.name = "veth0";
    idb.description = "AF_PACKET TPACKET_V3";
    idb.hardware = "veth";
    idb.filter = "udp";
    idb.snaplen = 262144;
    idb.tsresol = tsresol;
    auto w = PcapngWriter::create(std::move(out.value()), std::span(&idb, 1), "netring test");
    REQUIRE(w.ok());
    Written written;
    // Every padding case (length mod 4), and every option combination.
    const std::array<std::uint32_t, 8> lengths{60, 61, 62, 63, 64, 1514, 9000, 17};
    for (std::size_t i = 0; i < lengths.size(); ++i) {
        written.frames.push_back(make_frame(lengths[i], static_cast<std::uint8_t>(i)));
        Frame f;
        f.data = written.frames.back().data();
        f.caplen = lengths[i];
        f.wirelen = lengths[i] + static_cast<std::uint32_t>(i % 2) * 100;  // some "snapped"
        f.ts_ns = 1'700'000'000'123'456'789ULL + i * 1'000'001ULL;
        f.direction = i % 3 == 0 ? Direction::inbound : i % 3 == 1 ? Direction::outbound : Direction::unknown;
        f.reception = i % 3 == 2 ? Reception::unspecified : Reception::broadcast;
        if (i % 2 == 0)
            f.queue = static_cast<std::uint32_t>(i);
        f.has_hash = i % 4 == 1;
        f.hash = 0xdeadbeef;
        f.drops_before = i == 5 ? 3 : 0;
        written.ts.push_back(f.ts_ns);
        REQUIRE(w.value()->write(f).ok());
    }
    // No two counters alike, so that one written in another's place shows.
    InterfaceCounters c{1'700'000'000'100'000'000ULL, 1'700'000'000'900'000'000ULL, 11, 1, 10, 2, 8};
    REQUIRE(w.value()->finish(std::span(&c, 1)).ok());
    CHECK(w.value()->frames_written() == lengths.size());
    return written;
}

}  // namespace

TEST_CASE("pcapng blocks are laid out as the specification says")
{
    test::TempFile file(".pcapng");
    const Written w = write_sample(file.path(), 9);
    const auto bytes = slurp(file.path());
    REQUIRE(bytes.size() % 4 == 0);

    // Walk the blocks: each total length is a multiple of 4 and repeated at the end.
    std::vector<std::uint32_t> types;
    std::size_t off = 0;
    while (off < bytes.size()) {
        const std::uint32_t type = u32_at(bytes, off);
        const std::uint32_t len = u32_at(bytes, off + 4);
        REQUIRE(len % 4 == 0);
        REQUIRE(off + len <= bytes.size());
        CHECK(u32_at(bytes, off + len - 4) == len);
        types.push_back(type);
        off += len;
    }
    REQUIRE(types.size() == 1 + 1 + w.frames.size() + 1);
    CHECK(types.front() == pcapng::block_shb);
    CHECK(types[1] == pcapng::block_idb);
    CHECK(types.back() == pcapng::block_isb);
    CHECK(u32_at(bytes, 8) == pcapng::byte_order_magic);
}

TEST_CASE("the bytes padding each frame are zero, whatever the buffer held before")
{
    // The 4 KiB buffer is refilled many times over, so stale frame bytes sit
    // wherever the writer leaves a pad byte unwritten.
    test::TempFile file(".pcapng");
    const Written w = write_sample(file.path(), 9);
    const auto bytes = slurp(file.path());
    const auto epbs = epb_offsets(bytes);
    for (const std::size_t off : epbs) {
        const std::uint32_t caplen = u32_at(bytes, off + 20);
        for (std::uint32_t i = caplen; i < pcapng::pad4(caplen); ++i)
            CHECK(bytes[off + 28 + i] == 0);
    }
    CHECK(epbs.size() == w.frames.size());
}

TEST_CASE("EPB options carry flags, queue, hash and drop count byte for byte")
{
    // tshark shows no epb_hash, so the options are read here: code, length,
    // value, zero padding, and opt_endofopt last.
    test::TempFile file(".pcapng");
    write_sample(file.path(), 9);
    const auto bytes = slurp(file.path());
    const auto epbs = epb_offsets(bytes);
    REQUIRE(epbs.size() == 8);
    for (std::size_t i = 0; i < epbs.size(); ++i) {
        const std::size_t off = epbs[i];
        const std::uint32_t len = u32_at(bytes, off + 4);
        INFO("frame " << i);
        std::size_t o = off + 28 + pcapng::pad4(u32_at(bytes, off + 20));
        const std::size_t end = off + len - 4;
        std::vector<std::uint16_t> codes;
        while (o + 4 <= end) {
            std::uint16_t code = 0;
            std::uint16_t olen = 0;
            std::memcpy(&code, &bytes[o], 2);
            std::memcpy(&olen, &bytes[o + 2], 2);
            codes.push_back(code);
            REQUIRE(o + 4 + pcapng::pad4(olen) <= end);
            for (std::uint32_t k = olen; k < pcapng::pad4(olen); ++k)
                CHECK(bytes[o + 4 + k] == 0);
            if (code == pcapng::epb_hash) {
                REQUIRE(olen == 5);
                CHECK(bytes[o + 4] == pcapng::hash_toeplitz);
                CHECK(u32_at(bytes, o + 5) == 0xdeadbeef);
            } else if (code == pcapng::epb_queue) {
                REQUIRE(olen == 4);
                CHECK(u32_at(bytes, o + 4) == i);
            } else if (code == pcapng::epb_flags) {
                // The spec's layout: direction in bits 0-1 (01 inbound, 10
                // outbound), reception type in bits 2-4 (011 broadcast).
                REQUIRE(olen == 4);
                CHECK(u32_at(bytes, o + 4) == (i % 3 == 0 ? 0b01101U : 0b01110U));
            } else if (code == pcapng::epb_dropcount) {
                REQUIRE(olen == 8);
                CHECK(u64_at(bytes, o + 4) == 3);
            }
            o += 4 + pcapng::pad4(olen);
            if (code == 0)
                break;
        }
        CHECK(o == end);
        const bool hash = i % 4 == 1;
        const bool queue = i % 2 == 0;
        CHECK(std::count(codes.begin(), codes.end(), pcapng::epb_hash) == (hash ? 1 : 0));
        CHECK(std::count(codes.begin(), codes.end(), pcapng::epb_queue) == (queue ? 1 : 0));
        CHECK(std::count(codes.begin(), codes.end(), pcapng::epb_dropcount) == (i == 5 ? 1 : 0));
        // Every third frame has neither direction nor reception: no flags at all.
        CHECK(std::count(codes.begin(), codes.end(), pcapng::epb_flags) == (i % 3 == 2 ? 0 : 1));
        if (!codes.empty())
            CHECK(codes.back() == 0);
    }
}

TEST_CASE("the ISB carries the counters and times it was given, in the IDB's resolution")
{
    // libpcap skips ISBs and tshark shows only some of their options, so
    // they are read here. write_sample's counters: start 1700000000.1 s,
    // end 1700000000.9 s, ifrecv 11, ifdrop 1, filteraccept 10, osdrop 2,
    // usrdeliv 8.
    for (std::uint8_t tsresol : {std::uint8_t{9}, std::uint8_t{6}}) {
        INFO("tsresol " << int{tsresol});
        test::TempFile file(".pcapng");
        write_sample(file.path(), tsresol);
        const auto bytes = slurp(file.path());
        std::size_t isb = 0;
        std::size_t isbs = 0;
        for (std::size_t off = 0; off + 8 <= bytes.size(); off += u32_at(bytes, off + 4)) {
            REQUIRE(u32_at(bytes, off + 4) >= 12);
            if (u32_at(bytes, off) == pcapng::block_isb) {
                isb = off;
                ++isbs;
            }
        }
        REQUIRE(isbs == 1);
        CHECK(u32_at(bytes, isb + 8) == 0);  // interface 0
        const std::size_t end = isb + u32_at(bytes, isb + 4) - 4;
        std::vector<std::uint16_t> codes;
        std::vector<std::uint64_t> values;
        // Block type, length, interface ID and the two timestamp words come first.
        for (std::size_t o = isb + 20; o + 4 <= end;) {
            std::uint16_t code = 0;
            std::uint16_t olen = 0;
            std::memcpy(&code, &bytes[o], 2);
            std::memcpy(&olen, &bytes[o + 2], 2);
            if (code == pcapng::opt_endofopt) {
                CHECK(olen == 0);
                CHECK(o + 4 == end);
                break;
            }
            REQUIRE(olen == 8);
            REQUIRE(o + 12 <= end);
            codes.push_back(code);
            // Timestamps are two 32-bit words, high first; counters one u64.
            const bool ts = code == pcapng::isb_starttime || code == pcapng::isb_endtime;
            values.push_back(ts ? (std::uint64_t{u32_at(bytes, o + 4)} << 32) | u32_at(bytes, o + 8)
                                : u64_at(bytes, o + 4));
            o += 12;
        }
        const std::vector<std::uint16_t> want_codes{2, 3, 4, 5, 6, 7, 8};
        CHECK(codes == want_codes);
        REQUIRE(values.size() == 7);
        if (tsresol == 9) {
            CHECK(values[0] == 1'700'000'000'100'000'000ULL);
            CHECK(values[1] == 1'700'000'000'900'000'000ULL);
        } else {
            CHECK(values[0] == 1'700'000'000'100'000ULL);
            CHECK(values[1] == 1'700'000'000'900'000ULL);
        }
        CHECK(values[2] == 11);  // isb_ifrecv
        CHECK(values[3] == 1);   // isb_ifdrop
        CHECK(values[4] == 10);  // isb_filteraccept
        CHECK(values[5] == 2);   // isb_osdrop
        CHECK(values[6] == 8);   // isb_usrdeliv
    }
}

TEST_CASE("libpcap reads back every frame, byte for byte, with ns timestamps")
{
    for (std::uint8_t tsresol : {std::uint8_t{9}, std::uint8_t{6}}) {
        test::TempFile file(".pcapng");
        const Written w = write_sample(file.path(), tsresol);
        char err[PCAP_ERRBUF_SIZE] = {};
        pcap_t *p = pcap_open_offline_with_tstamp_precision(file.path().c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
        REQUIRE(p != nullptr);
        CHECK(pcap_datalink(p) == DLT_EN10MB);
        pcap_pkthdr *h = nullptr;
        const u_char *data = nullptr;
        std::size_t i = 0;
        while (pcap_next_ex(p, &h, &data) == 1) {
            REQUIRE(i < w.frames.size());
            CHECK(h->caplen == w.frames[i].size());
            CHECK(h->len == w.frames[i].size() + (i % 2) * 100);
            CHECK(std::memcmp(data, w.frames[i].data(), h->caplen) == 0);
            const std::uint64_t ts = std::uint64_t(h->ts.tv_sec) * 1'000'000'000ULL + std::uint64_t(h->ts.tv_usec);
            const std::uint64_t expect = tsresol == 9 ? w.ts[i] : w.ts[i] / 1000 * 1000;
            CHECK(ts == expect);
            ++i;
        }
        CHECK(i == w.frames.size());
        pcap_close(p);
    }
}

TEST_CASE("tshark reads the options netring writes")
{
    if (std::system("command -v tshark >/dev/null 2>&1") != 0) {
        WARN("tshark not installed: skipping the tshark read-back");
        return;
    }
    test::TempFile file(".pcapng");
    write_sample(file.path(), 9);
    test::TempFile fields(".txt");
    const std::string cmd = "tshark -r " + file.path() +
                            " -T fields -E separator=, -e frame.len -e frame.cap_len -e frame.interface_name"
                            " -e pkt_comment -e frame.packet_flags_direction > " +
                            fields.path() + " 2>" + fields.path() + ".err";
    const int rc = std::system(cmd.c_str());
    std::ifstream errs(fields.path() + ".err");
    const std::string err_text{std::istreambuf_iterator<char>(errs), {}};
    std::remove((fields.path() + ".err").c_str());
    INFO("tshark said: " << err_text);
    REQUIRE(rc == 0);
    // tshark's only complaint should be its warning about running as root.
    CHECK((err_text.empty() || err_text.rfind("Running as user \"root\"", 0) == 0));
    std::ifstream in(fields.path());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    REQUIRE(lines.size() == 8);
    // Length, captured length, if_name from the IDB, no comment, direction
    // from epb_flags (1 inbound, 2 outbound).
    CHECK(lines[0] == "60,60,veth0,,0x00000001");
    CHECK(lines[1] == "161,61,veth0,,0x00000002");
    CHECK(lines[2] == "62,62,veth0,,");  // neither known: no epb_flags at all

    // capinfos reads the ISB without complaint, and the IDB's resolution.
    test::TempFile info(".txt");
    REQUIRE(std::system(("capinfos -M " + file.path() + " > " + info.path() + " 2>&1").c_str()) == 0);
    std::ifstream ci(info.path());
    const std::string text{std::istreambuf_iterator<char>(ci), {}};
    CHECK(text.find("nanoseconds") != std::string::npos);
    CHECK(text.find("Number of packets:   8") != std::string::npos);
}

TEST_CASE("a pcapng file cut short by a full disk ends with its last whole block")
{
    test::TempFile file(".pcapng");
    auto out = Output::open(file.path(), 4096);
    REQUIRE(out.ok());
    InterfaceDescription idb;
    idb.name = "veth0";
    idb.snaplen = 262144;
    auto w = PcapngWriter::create(std::move(out.value()), std::span(&idb, 1), "netring test");
    REQUIRE(w.ok());
    test::check_cut_short(*w.value(), file.path(), 50'000);
}
