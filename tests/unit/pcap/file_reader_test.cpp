// SPDX-License-Identifier: GPL-2.0-or-later
// FileReader against the tcpdump corpus and its ground truth, and damaged files.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "catch.h"
#include "netring/pcap/file_reader.h"
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
};

std::vector<Truth> ground_truth()
{
    std::vector<Truth> rows;
    std::ifstream in(corpus() / "ethernet.tsv");
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream fields(line);
        Truth t;
        std::string format;
        std::uint64_t max_caplen = 0;
        fields >> t.file >> format >> t.packets >> t.bytes >> max_caplen >> t.snapped;
        rows.push_back(t);
    }
    return rows;
}

}  // namespace

TEST_CASE("every corpus file reads back with the ground truth's counts")
{
    const auto rows = ground_truth();
    if (rows.empty()) {
        WARN("SHARED_CAPTURES not set or empty: corpus check skipped");
        return;
    }
    CHECK(rows.size() == 479);
    for (const Truth &t : rows) {
        auto r = FileReader::open((corpus() / "ethernet" / t.file).string());
        REQUIRE(r.ok());
        CHECK(r->linktype() == DLT_EN10MB);
        std::uint64_t packets = 0, bytes = 0, snapped = 0;
        Frame f;
        for (;;) {
            auto got = r->next(f);
            REQUIRE(got.ok());
            if (!got.value())
                break;
            ++packets;
            bytes += f.caplen;
            snapped += f.caplen < f.wirelen ? 1 : 0;
        }
        INFO(t.file);
        CHECK(packets == t.packets);
        CHECK(bytes == t.bytes);
        CHECK(snapped == t.snapped);
    }
}

TEST_CASE("a cut file yields its whole frames, then an error naming file and frame")
{
    const auto rows = ground_truth();
    if (rows.empty())
        return;
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
