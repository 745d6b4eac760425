// SPDX-License-Identifier: GPL-2.0-or-later
// Output keeps only whole records when a write fails part way.
#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catch.h"
#include "netring/pcap/output.h"
#include "temp_file.h"

using namespace netring;

namespace {

// RLIMIT_FSIZE makes write() stop part way with EFBIG, as a full disk stops
// it with ENOSPC, without needing a small file system.
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
    auto out = Output::open(file.path(), 4096);
    REQUIRE(out.ok());
    std::vector<std::uint8_t> record(100, 0xab);
    REQUIRE(out->append(record.data(), 24, false).ok());  // a header
    Status st;
    {
        FileSizeLimit limit(1000);  // 24 + 9 records of 100 fit; the 10th is cut
        for (int i = 0; i < 30 && st.ok(); ++i)
            st = out->append(record.data(), record.size(), true);
        if (st.ok())
            st = out->flush();
    }
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == EFBIG);
    CHECK(out->frames_written() == 9);
    CHECK(file_size(file.path()) == 24 + 9 * 100);
    CHECK(out->failure() != nullptr);
    // A failed output refuses more records instead of writing a torn one.
    CHECK_FALSE(out->append(record.data(), record.size(), true).ok());
}

TEST_CASE("a closed pipe is reported as EPIPE and counts what the reader got")
{
    ::signal(SIGPIPE, SIG_IGN);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    ::close(fds[0]);
    Output out = Output::adopt(UniqueFd(fds[1]), "pipe", 4096);
    CHECK(out.is_pipe());
    std::vector<std::uint8_t> record(64, 1);
    REQUIRE(out.append(record.data(), record.size(), true).ok());
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
