// SPDX-License-Identifier: GPL-2.0-or-later
// Rotation: -b parsing, deadlines, the rotate decision, file names, and RotatingSink's files on disk.
#include <cstdlib>
#include <ctime>
#include <dirent.h>
#include <string>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>
#include <pcap/pcap.h>

#include "catch.h"
#include "netring/pcap/rotating_sink.h"
#include "netring/pcap/rotation_policy.h"
#include "full_disk.h"

using namespace netring;

namespace {

constexpr std::uint64_t sec = 1'000'000'000ULL;

void utc()
{
    ::setenv("TZ", "UTC", 1);
    ::tzset();
}

// A private directory, removed with its files when the test ends.
class TempDir {
public:
    TempDir()
    {
        std::string t = "/tmp/netring-rot-XXXXXX";
        if (::mkdtemp(t.data()) != nullptr)
            path_ = t;
    }
    ~TempDir()
    {
        for (const auto &f : files())
            ::unlink((path_ + "/" + f).c_str());
        ::rmdir(path_.c_str());
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    [[nodiscard]] const std::string &path() const { return path_; }
    [[nodiscard]] std::vector<std::string> files() const
    {
        std::vector<std::string> out;
        if (DIR *d = ::opendir(path_.c_str())) {
            while (const dirent *e = ::readdir(d))
                if (e->d_name[0] != '.')
                    out.emplace_back(e->d_name);
            ::closedir(d);
        }
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    std::string path_;
};

int frames_in(const std::string &path)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path.c_str(), err);
    if (p == nullptr)
        return -1;
    int n = 0;
    pcap_pkthdr *h = nullptr;
    const u_char *d = nullptr;
    int rc = 0;
    while ((rc = pcap_next_ex(p, &h, &d)) == 1)
        ++n;
    pcap_close(p);
    return rc == PCAP_ERROR_BREAK ? n : -1;
}

RotatingSinkOptions options(const std::string &path, const RotationPolicy &policy, std::vector<std::string> *done)
{
    RotatingSinkOptions o;
    o.path = path;
    o.policy = policy;
    o.make_writer = [](Output out) -> Result<RotatedWriter> {
        InterfaceDescription idb;
        idb.name = "test0";
        auto w = PcapngWriter::create(std::move(out), std::span(&idb, 1), "test");
        if (!w)
            return w.error();
        RotatedWriter r;
        r.output = &w.value()->output();
        r.pcapng = w.value().get();
        r.sink = std::move(w.value());
        return r;
    };
    o.counters = [] { return std::vector<InterfaceCounters>(1); };
    o.file_done = [done](const std::string &name) { done->push_back(name); };
    return o;
}

Frame frame_at(const std::vector<std::uint8_t> &bytes, std::uint64_t ts)
{
    Frame f;
    f.data = bytes.data();
    f.caplen = f.wirelen = static_cast<std::uint32_t>(bytes.size());
    f.ts_ns = ts;
    return f;
}

}  // namespace

TEST_CASE("-b options set the policy", "[rotation]")
{
    RotationPolicy p;
    REQUIRE(apply_ring_buffer_option("filesize:100", p));
    CHECK(p.max_bytes == 100'000);
    REQUIRE(apply_ring_buffer_option("duration:60", p));
    CHECK(p.duration_s == 60);
    REQUIRE(apply_ring_buffer_option("interval:300", p));
    CHECK(p.interval_s == 300);
    REQUIRE(apply_ring_buffer_option("files:3", p));
    CHECK(p.ring_files == 3);
    REQUIRE(apply_ring_buffer_option("packets:1000", p));
    CHECK(p.max_packets == 1000);
    CHECK_FALSE(apply_ring_buffer_option("size:3", p));
    CHECK_FALSE(apply_ring_buffer_option("files:0", p));
    CHECK_FALSE(apply_ring_buffer_option("files:", p));
    CHECK_FALSE(apply_ring_buffer_option("files", p));
    CHECK_FALSE(apply_ring_buffer_option("files:3x", p));
}

TEST_CASE("-b limits past a century or 2^62 bytes are refused, and say the most", "[rotation]")
{
    RotationPolicy p;
    REQUIRE(apply_ring_buffer_option(fmt::format("duration:{}", max_limit_seconds), p));
    REQUIRE(apply_ring_buffer_option(fmt::format("filesize:{}", max_limit_bytes / 1000), p));
    const auto refused = [&p](const std::string &spec) {
        auto st = apply_ring_buffer_option(spec, p);
        REQUIRE_FALSE(st);
        return st.error().context;
    };
    CHECK(refused(fmt::format("interval:{}", max_limit_seconds + 1)) ==
          fmt::format("-b interval:{}: at most {} seconds (a century)", max_limit_seconds + 1, max_limit_seconds));
    CHECK(refused(fmt::format("duration:{}", max_limit_seconds + 1)).find("(a century)") != std::string::npos);
    CHECK(refused(fmt::format("filesize:{}", max_limit_bytes / 1000 + 1)) ==
          fmt::format("-b filesize:{}: at most {} kB", max_limit_bytes / 1000 + 1, max_limit_bytes / 1000));
}

TEST_CASE("file deadlines: age from opening, intervals on wall-clock multiples", "[rotation]")
{
    RotationPolicy p;
    CHECK(file_deadline_ns(p, 1000 * sec) == 0);
    p.duration_s = 10;
    CHECK(file_deadline_ns(p, 1003 * sec + 5) == 1013 * sec + 5);
    p.duration_s = 0;
    p.interval_s = 60;
    CHECK(file_deadline_ns(p, 1003 * sec + 5) == 1020 * sec);
    CHECK(file_deadline_ns(p, 1020 * sec) == 1080 * sec);  // opened on a boundary: a whole interval
    p.duration_s = 5;
    CHECK(file_deadline_ns(p, 1017 * sec) == 1020 * sec);  // the earlier of the two
    CHECK(file_deadline_ns(p, 1001 * sec) == 1006 * sec);
}

TEST_CASE("rotation decision before a frame", "[rotation]")
{
    RotationPolicy p;
    p.max_packets = 3;
    CHECK_FALSE(should_rotate(p, {2, 0, 0}, 0));
    CHECK(should_rotate(p, {3, 0, 0}, 0));
    p = RotationPolicy{};
    p.max_bytes = 1000;
    CHECK_FALSE(should_rotate(p, {5, 999, 0}, 0));
    CHECK(should_rotate(p, {5, 1000, 0}, 0));
    CHECK_FALSE(should_rotate(p, {0, 5000, 0}, 0));  // headers alone never make an empty file rotate
    CHECK_FALSE(should_rotate(p, {1, 10, 50}, 49));
    CHECK(should_rotate(p, {0, 10, 50}, 50));  // time ends even an empty file
}

TEST_CASE("file names: dumpcap numbering and tcpdump strftime", "[rotation]")
{
    utc();
    const std::time_t t = 1'795'636'740;  // 2026-11-25 19:59:00 UTC
    CHECK(numbered_file_name("prefix.pcapng", 1, t) == "prefix_00001_20261125195900.pcapng");
    CHECK(numbered_file_name("/a.b/cap", 42, t) == "/a.b/cap_00042_20261125195900");
    CHECK(numbered_file_name("dir/x.tar.pcap", 123456, t) == "dir/x.tar_123456_20261125195900.pcap");
    CHECK(numbered_file_name("dir/.hidden", 2, t) == "dir/.hidden_00002_20261125195900");
    CHECK(strftime_file_name("cap-%Y%m%d-%H%M%S.pcap", t) == "cap-20261125-195900.pcap");
    CHECK(strftime_file_name("plain", t) == "plain");
}

TEST_CASE("RotatingSink: whole files by packets, renamed, numbered, announced", "[rotation]")
{
    utc();
    TempDir dir;
    std::vector<std::string> done;
    RotationPolicy p;
    p.max_packets = 4;
    auto s = RotatingSink::open(options(dir.path() + "/r.pcapng", p, &done), 1'795'636'740 * sec);
    REQUIRE(s);
    const std::vector<std::uint8_t> bytes(100, 0xab);
    for (int i = 0; i < 10; ++i)
        REQUIRE(s.value()->write(frame_at(bytes, 1'795'636'740 * sec + static_cast<std::uint64_t>(i))));
    // Two files are complete; the third is still being written under .part.
    CHECK(dir.files() == std::vector<std::string>{"r_00001_20261125195900.pcapng", "r_00002_20261125195900.pcapng",
                                                  "r_00003_20261125195900.pcapng.part"});
    InterfaceCounters c;
    REQUIRE(s.value()->finish(std::span(&c, 1)));
    CHECK(s.value()->frames_written() == 10);
    const auto files = dir.files();
    REQUIRE(files.size() == 3);
    CHECK(files[2] == "r_00003_20261125195900.pcapng");
    CHECK(frames_in(dir.path() + "/" + files[0]) == 4);
    CHECK(frames_in(dir.path() + "/" + files[1]) == 4);
    CHECK(frames_in(dir.path() + "/" + files[2]) == 2);
    REQUIRE(done.size() == 3);
    CHECK(done[0] == dir.path() + "/" + files[0]);
}

TEST_CASE("RotatingSink: a ring keeps the newest N files", "[rotation]")
{
    TempDir dir;
    std::vector<std::string> done;
    RotationPolicy p;
    p.max_packets = 1;
    p.ring_files = 3;
    auto s = RotatingSink::open(options(dir.path() + "/r.pcapng", p, &done), 1'000 * sec);
    REQUIRE(s);
    const std::vector<std::uint8_t> bytes(60, 1);
    for (int i = 0; i < 7; ++i)
        REQUIRE(s.value()->write(frame_at(bytes, 1'000 * sec)));
    InterfaceCounters c;
    REQUIRE(s.value()->finish(std::span(&c, 1)));
    const auto files = dir.files();
    REQUIRE(files.size() == 3);
    CHECK(files[0].substr(0, 8) == "r_00005_");
    CHECK(files[2].substr(0, 8) == "r_00007_");
    CHECK(done.size() == 7);
}

TEST_CASE("RotatingSink: time limits end files without frames, -W stops", "[rotation]")
{
    TempDir dir;
    std::vector<std::string> done;
    RotationPolicy p;
    p.duration_s = 10;
    p.max_files = 2;
    p.strftime_names = true;
    utc();
    auto s = RotatingSink::open(options(dir.path() + "/t-%H%M%S.pcapng", p, &done), 1'795'636'740 * sec);
    REQUIRE(s);
    REQUIRE(s.value()->tick(1'795'636'749 * sec));
    CHECK(done.empty());
    REQUIRE(s.value()->tick(1'795'636'750 * sec));
    CHECK(done.size() == 1);
    CHECK_FALSE(s.value()->exhausted());
    REQUIRE(s.value()->tick(1'795'636'760 * sec));
    CHECK(s.value()->exhausted());
    CHECK(dir.files() == std::vector<std::string>{"t-195900.pcapng", "t-195910.pcapng"});
    CHECK(frames_in(dir.path() + "/t-195900.pcapng") == 0);
}

TEST_CASE("RotatingSink: a failed write leaves a valid, renamed file and a clear error", "[rotation]")
{
    TempDir dir;
    std::vector<std::string> done;
    RotationPolicy p;
    p.max_packets = 1000;
    auto s = RotatingSink::open(options(dir.path() + "/f.pcapng", p, &done), 1'000 * sec);
    REQUIRE(s);
    const std::vector<std::uint8_t> bytes(1000, 7);
    Status st;
    {
        test::FileSizeLimit limit(20'000);
        for (int i = 0; i < 40 && st; ++i) {
            st = s.value()->write(frame_at(bytes, 1'000 * sec));
            if (st)
                st = s.value()->flush();
        }
    }
    REQUIRE_FALSE(st);
    CHECK(st.error().code == EFBIG);
    const auto files = dir.files();
    REQUIRE(files.size() == 1);  // renamed, no .part
    CHECK(files[0].find(".part") == std::string::npos);
    const int n = frames_in(dir.path() + "/" + files[0]);
    CHECK(n > 0);
    CHECK(static_cast<std::uint64_t>(n) == s.value()->frames_written());
    InterfaceCounters c;
    CHECK_FALSE(s.value()->finish(std::span(&c, 1)));  // the error stays
}
