// SPDX-License-Identifier: GPL-2.0-or-later
// FileReader against the tcpdump corpus and its ground truth, and damaged files.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <pcap/pcap.h>
#include <sys/stat.h>

#include "catch.h"
#include "netring/pcap/file_reader.h"
#include "sha256.h"
#include "temp_file.h"

using namespace netring;

namespace {

std::filesystem::path corpus()
{
    const char *dir = std::getenv("SHARED_CAPTURES");
    return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::path();
}

struct Truth {
    std::string file;
    std::uint64_t packets;
    std::uint64_t bytes;
    std::uint64_t snapped;
    std::string frames_sha256_16;
};

// meson passes SHARED_CAPTURES to every unit test, so a corpus missing there
// is a broken checkout, not a reason to pass.
void require_corpus()
{
    if (std::getenv("SHARED_CAPTURES") == nullptr)
        FAIL("SHARED_CAPTURES is not set: run the tests through meson test");
    if (!std::filesystem::is_regular_file(corpus() / "ethernet.tsv"))
        FAIL("the capture corpus is missing: no " << (corpus() / "ethernet.tsv").string());
}

// The rows of ethernet.tsv.
std::vector<Truth> ground_truth()
{
    require_corpus();
    std::vector<Truth> rows;
    std::ifstream in(corpus() / "ethernet.tsv");
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream fields(line);
        Truth t;
        std::string format;
        std::uint64_t max_caplen = 0;
        fields >> t.file >> format >> t.packets >> t.bytes >> max_caplen >> t.snapped >> t.frames_sha256_16;
        rows.push_back(t);
    }
    if (rows.empty())
        FAIL("no ground truth in " << (corpus() / "ethernet.tsv").string());
    return rows;
}

}  // namespace

TEST_CASE("SHA-256 gives the FIPS 180-2 example digests")
{
    // The frame hashes below are only as good as this.
    test::Sha256 abc;
    abc.update("abc", 3);
    CHECK(abc.hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    test::Sha256 two_blocks;
    const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    two_blocks.update(msg, std::strlen(msg));
    CHECK(two_blocks.hex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    test::Sha256 empty;
    CHECK(empty.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("every corpus file reads back with the ground truth's counts and frame bytes")
{
    const auto rows = ground_truth();
    CHECK(rows.size() == 479);
    for (const Truth &t : rows) {
        INFO(t.file);
        auto r = FileReader::open((corpus() / "ethernet" / t.file).string());
        REQUIRE(r.ok());
        CHECK(r->linktype() == DLT_EN10MB);
        std::uint64_t packets = 0, bytes = 0, snapped = 0;
        // As the corpus README defines it: each frame's captured length
        // (4 bytes, little-endian), then its bytes, in file order.
        test::Sha256 sha;
        Frame f;
        for (;;) {
            auto got = r->next(f);
            REQUIRE(got.ok());
            if (!got.value())
                break;
            ++packets;
            bytes += f.caplen;
            snapped += f.caplen < f.wirelen ? 1 : 0;
            const std::uint8_t len_le[4] = {
                static_cast<std::uint8_t>(f.caplen), static_cast<std::uint8_t>(f.caplen >> 8),
                static_cast<std::uint8_t>(f.caplen >> 16), static_cast<std::uint8_t>(f.caplen >> 24)};
            sha.update(len_le, sizeof(len_le));
            sha.update(f.data, f.caplen);
        }
        CHECK(packets == t.packets);
        CHECK(bytes == t.bytes);
        CHECK(snapped == t.snapped);
        CHECK(sha.hex().substr(0, 16) == t.frames_sha256_16);
    }
}

TEST_CASE("corpus timestamps are libpcap's, in nanoseconds")
{
    // Microsecond pcaps of either byte order, pcapng in microseconds and in
    // nanoseconds, and a time past 2106 (beyond 32-bit seconds), read side
    // by side with libpcap's own reader asked for nanoseconds.
    require_corpus();
    for (const char *name : {"3560_CDP.pcap", "isup.pcap", "hncp.pcap", "OSPFv2_Capture_FINAL.pcapng",
                             "icmp-length-zero.pcapng", "time_2107.pcapng"}) {
        INFO(name);
        const std::string path = (corpus() / "ethernet" / name).string();
        char err[PCAP_ERRBUF_SIZE] = {};
        pcap_t *p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
        REQUIRE(p != nullptr);
        auto r = FileReader::open(path);
        REQUIRE(r.ok());
        pcap_pkthdr *h = nullptr;
        const u_char *data = nullptr;
        std::uint64_t frames = 0;
        Frame f;
        while (pcap_next_ex(p, &h, &data) == 1) {
            auto got = r->next(f);
            REQUIRE(got.ok());
            REQUIRE(got.value());
            CHECK(f.ts_ns / 1'000'000'000 == static_cast<std::uint64_t>(h->ts.tv_sec));
            CHECK(f.ts_ns % 1'000'000'000 == static_cast<std::uint64_t>(h->ts.tv_usec));
            ++frames;
        }
        pcap_close(p);
        CHECK(frames > 0);
        auto end = r->next(f);
        REQUIRE(end.ok());
        CHECK_FALSE(end.value());
    }
}

TEST_CASE("a cut file yields its whole frames, then an error naming file and frame")
{
    require_corpus();
    const auto src = corpus() / "ethernet" / "3560_CDP.pcap";
    std::ifstream in(src, std::ios::binary);
    std::vector<char> bytes{std::istreambuf_iterator<char>(in), {}};
    REQUIRE(bytes.size() > 100);
    test::TempFile cut(".pcap");
    std::ofstream(cut.path(), std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size() - 10));
    auto r = FileReader::open(cut.path());
    REQUIRE(r.ok());
    Frame f;
    std::uint64_t whole = 0;
    for (;;) {
        auto got = r->next(f);
        if (!got) {
            CHECK(got.error().message().find(cut.path()) == 0);
            CHECK(got.error().message().find("damaged at frame 3") != std::string::npos);
            break;
        }
        REQUIRE(got.value());
        ++whole;
    }
    CHECK(whole == 2);
}

TEST_CASE("missing files and non-captures are told apart")
{
    auto missing = FileReader::open("/nonexistent/x.pcap");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == ENOENT);
    test::TempFile junk(".pcap");
    std::ofstream(junk.path()) << "this is not a capture file at all, just text\n";
    auto bad = FileReader::open(junk.path());
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message().find("not a pcap or pcapng file") != std::string::npos);
}

TEST_CASE("an empty file is called empty, and one cut short in its header cut short")
{
    // libpcap calls both "truncated dump file": 0 bytes read as "not a pcap
    // or pcapng file" once.
    test::TempFile empty(".pcap");
    auto none = FileReader::open(empty.path());
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == ENODATA);
    CHECK(none.error().message() == empty.path() + " is empty (0 bytes)");
    // The first 10 bytes of a pcap header (24): its magic is right.
    test::TempFile cut(".pcap");
    std::ofstream(cut.path(), std::ios::binary).write("\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00", 10);
    auto short_header = FileReader::open(cut.path());
    REQUIRE_FALSE(short_header.ok());
    CHECK(short_header.error().message() ==
          cut.path() + ": cut short in its file header (10 bytes): not a whole pcap or pcapng file");
}

TEST_CASE("an unread frame comes back once, and only a regular file is rereadable")
{
    require_corpus();
    const auto path = (corpus() / "ethernet" / "3560_CDP.pcap").string();
    auto r = FileReader::open(path);
    REQUIRE(r.ok());
    CHECK(r->rereadable());
    Frame first, again, second;
    REQUIRE(r->next(first).value());
    const std::vector<std::uint8_t> first_bytes(first.data, first.data + first.caplen);
    r->unread();
    REQUIRE(r->next(again).value());
    CHECK(again.ts_ns == first.ts_ns);
    CHECK(std::vector<std::uint8_t>(again.data, again.data + again.caplen) == first_bytes);
    REQUIRE(r->next(second).value());
    CHECK(second.ts_ns != first.ts_ns);
    CHECK(r->frames_read() == 2);

    // A FIFO: pcap_open_offline reads it as a stream.
    test::TempFile fifo_name(".fifo");
    std::filesystem::remove(fifo_name.path());
    REQUIRE(::mkfifo(fifo_name.path().c_str(), 0600) == 0);
    const std::string cmd = "cat '" + path + "' > '" + fifo_name.path() + "' &";
    REQUIRE(std::system(cmd.c_str()) == 0);
    auto fifo = FileReader::open(fifo_name.path());
    REQUIRE(fifo.ok());
    CHECK_FALSE(fifo->rereadable());
    Frame f;
    std::uint64_t n = 0;
    while (fifo->next(f).value())
        ++n;
    CHECK(n > 0);
}
