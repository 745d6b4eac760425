// SPDX-License-Identifier: GPL-2.0-or-later
// UniqueFd and MappedRegion close and unmap exactly once, and move ownership.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "catch.h"
#include "netring/base/mapped_region.h"
#include "netring/base/unique_fd.h"

using netring::MappedRegion;
using netring::UniqueFd;

namespace {
bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }
}  // namespace

TEST_CASE("UniqueFd closes on destruction and moves ownership")
{
    int raw = -1;
    {
        UniqueFd a(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        REQUIRE(a.valid());
        raw = a.get();
        UniqueFd b(std::move(a));
        CHECK_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): checking the moved-from state
        CHECK(b.get() == raw);
        CHECK(is_open(raw));
    }
    CHECK_FALSE(is_open(raw));
}

TEST_CASE("UniqueFd::release hands the descriptor back to the caller")
{
    UniqueFd a(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const int raw = a.release();
    CHECK_FALSE(a.valid());
    CHECK(is_open(raw));
    ::close(raw);
}

TEST_CASE("MappedRegion unmaps once and reports mmap errors with context")
{
    auto r = MappedRegion::map(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, "test area");
    REQUIRE(r.ok());
    MappedRegion region = std::move(r.value());
    region.data()[0] = 7;
    MappedRegion other = std::move(region);
    CHECK_FALSE(region.valid());  // NOLINT(bugprone-use-after-move)
    CHECK(other.data()[0] == 7);

    auto bad = MappedRegion::map(4096, PROT_READ, MAP_SHARED, -1, 0, "nothing");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message().find("mmap nothing") == 0);
}
