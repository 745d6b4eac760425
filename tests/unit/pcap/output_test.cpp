// SPDX-License-Identifier: GPL-2.0-or-later
// Output keeps only whole records when a write fails part way.
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "catch.h"
#include "netring/pcap/output.h"
#include "full_disk.h"
#include "temp_file.h"

using namespace netring;
using test::FileSizeLimit;

namespace {

// Test records: a 4-byte length, then a byte that is 1 for a frame.
std::size_t test_record(const std::uint8_t *p, std::uint64_t, bool &is_frame)
{
    std::uint32_t n = 0;
    std::memcpy(&n, p, 4);
    is_frame = p[4] == 1;
    return n;
}

// A file output of 4 KiB buffers that walks test records.
Output open_walked(const std::string &path)
{
    auto out = Output::open(path, 4096);
    REQUIRE(out.ok());
    out->set_walker(&test_record);
    return std::move(out.value());
}

std::vector<std::uint8_t> record(std::uint32_t n, bool is_frame)
{
    std::vector<std::uint8_t> r(n, 0xab);
    std::memcpy(r.data(), &n, 4);
    r[4] = is_frame ? 1 : 0;
    return r;
}

off_t file_size(const std::string &path)
{
    struct stat st {};
    ::stat(path.c_str(), &st);
    return st.st_size;
}

}  // namespace

TEST_CASE("a failed write cuts the file back to its last whole record")
{
    test::TempFile file(".bin");
    Output out = open_walked(file.path());
    const auto header = record(24, false);
    const auto frame = record(100, true);
    REQUIRE(out.append(header.data(), header.size(), false).ok());
    Status st;
    {
        FileSizeLimit limit(1000);  // 24 + 9 records of 100 fit; the 10th is cut
        for (int i = 0; i < 30 && st.ok(); ++i)
            st = out.append(frame.data(), frame.size(), true);
        if (st.ok())
            st = out.flush();
    }
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == EFBIG);
    CHECK(out.frames_written() == 9);
    CHECK(file_size(file.path()) == 24 + 9 * 100);
    CHECK(out.failure() != nullptr);
    // A failed output refuses more records instead of writing a torn one.
    CHECK_FALSE(out.append(frame.data(), frame.size(), true).ok());
}

TEST_CASE("a cut-back leaves alone what the file held before us")
{
    // netring capture -w - >>old.pcapng: standard output is a file whose
    // first bytes are not ours, reached by appending or by an offset.
    for (const bool append : {true, false}) {
        INFO((append ? "O_APPEND" : "offset"));
        test::TempFile file(".bin");
        const std::vector<std::uint8_t> earlier(500, 0x5a);
        {
            UniqueFd fd(::open(file.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
            REQUIRE(fd.valid());
            REQUIRE(::write(fd.get(), earlier.data(), earlier.size()) == 500);
        }
        UniqueFd fd(::open(file.path().c_str(), O_WRONLY | O_CLOEXEC | (append ? O_APPEND : 0)));
        REQUIRE(fd.valid());
        if (!append)
            REQUIRE(::lseek(fd.get(), 0, SEEK_END) == 500);
        Output out = Output::adopt(std::move(fd), "standard output", 4096);
        out.set_walker(&test_record);
        const auto frame = record(100, true);
        Status st;
        {
            FileSizeLimit limit(1050);  // ours: 5 records whole, the 6th cut
            for (int i = 0; i < 30 && st.ok(); ++i)
                st = out.append(frame.data(), frame.size(), true);
            if (st.ok())
                st = out.flush();
        }
        REQUIRE_FALSE(st.ok());
        CHECK(out.frames_written() == 5);
        CHECK(file_size(file.path()) == 500 + 5 * 100);
        std::vector<std::uint8_t> head(500);
        UniqueFd in(::open(file.path().c_str(), O_RDONLY | O_CLOEXEC));
        REQUIRE(::read(in.get(), head.data(), head.size()) == 500);
        CHECK(head == earlier);
    }
}

TEST_CASE("a failure after earlier flushes keeps their frames and the whole ones of the last buffer")
{
    test::TempFile file(".bin");
    Output out = open_walked(file.path());
    const auto frame = record(300, true);
    const auto other = record(52, false);
    Status st;
    {
        FileSizeLimit limit(10'000);
        for (int i = 0; i < 100 && st.ok(); ++i) {
            st = out.append(frame.data(), frame.size(), true);
            if (st.ok() && i % 7 == 0)
                st = out.append(other.data(), other.size(), false);
        }
    }
    REQUIRE_FALSE(st.ok());
    // 300-byte frames with a 52-byte record after every 7th: count what fits.
    std::uint64_t size = 0;
    std::uint64_t frames = 0;
    for (int i = 0; size + 300 <= 10'000; ++i) {
        size += 300;
        ++frames;
        if (i % 7 == 0) {
            if (size + 52 > 10'000)
                break;
            size += 52;
        }
    }
    CHECK(out.frames_written() == frames);
    CHECK(static_cast<std::uint64_t>(file_size(file.path())) == size);
}

TEST_CASE("without a walker, a failed write keeps nothing of its buffer")
{
    test::TempFile file(".bin");
    auto out = Output::open(file.path(), 4096);
    REQUIRE(out.ok());
    const auto frame = record(100, true);
    REQUIRE(out->append(frame.data(), frame.size(), true).ok());
    REQUIRE(out->flush().ok());
    Status st;
    {
        FileSizeLimit limit(1000);
        for (int i = 0; i < 100 && st.ok(); ++i)
            st = out->append(frame.data(), frame.size(), true);
    }
    REQUIRE_FALSE(st.ok());
    CHECK(out->frames_written() == 1);
    CHECK(file_size(file.path()) == 100);
}

TEST_CASE("a closed pipe is reported as EPIPE and counts what the reader got")
{
    ::signal(SIGPIPE, SIG_IGN);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    ::close(fds[0]);
    Output out = Output::adopt(UniqueFd(fds[1]), "pipe", 4096);
    out.set_walker(&test_record);
    CHECK(out.is_pipe());
    const auto frame = record(64, true);
    REQUIRE(out.append(frame.data(), frame.size(), true).ok());
    const Status st = out.flush();
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == EPIPE);
    CHECK(out.frames_written() == 0);
}

TEST_CASE("records larger than the buffer are written whole")
{
    test::TempFile file(".bin");
    auto out = Output::open(file.path(), 4096);
    REQUIRE(out.ok());
    std::vector<std::uint8_t> big(10000, 7);
    REQUIRE(out->append(big.data(), big.size(), true).ok());
    REQUIRE(out->append(big.data(), 10, true).ok());
    REQUIRE(out->close().ok());
    CHECK(out->frames_written() == 2);
    CHECK(file_size(file.path()) == 10010);
}
