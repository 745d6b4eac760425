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

namespace {
// msync() fails with ENOMEM on a page nothing maps.
bool mapped(const void *page) { return ::msync(const_cast<void *>(page), 4096, MS_ASYNC) == 0; }
}  // namespace

TEST_CASE("MappedRegion::map_aligned keeps only the aligned part of what it mapped")
{
    constexpr std::size_t align = 2U << 20;
    constexpr std::size_t size = align + 4096;
    auto r = MappedRegion::map_aligned(size, align, "aligned test area");
    REQUIRE(r.ok());
    std::uint8_t *p = r->data();
    CHECK(reinterpret_cast<std::uintptr_t>(p) % align == 0);
    CHECK(r->size() == size);
    p[0] = 1;
    p[size - 1] = 2;
    CHECK(mapped(p));
    CHECK(mapped(p + size - 4096));
    // The unaligned head and the tail went back to the kernel.
    CHECK_FALSE(mapped(p - 4096));
    CHECK_FALSE(mapped(p + size));
    r->reset();
    CHECK_FALSE(mapped(p));
}
