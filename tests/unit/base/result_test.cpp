// SPDX-License-Identifier: GPL-2.0-or-later
// Error and Result: messages carry errno text and context.
#include <cerrno>

#include "catch.h"
#include "netring/base/result.h"

using netring::Error;
using netring::Privilege;
using netring::Result;
using netring::Status;

TEST_CASE("an errno error names the call and the reason")
{
    const Error e = Error::sys(ENODEV, "bind AF_PACKET socket to veth0");
    CHECK(e.message() == "bind AF_PACKET socket to veth0: No such device");
    CHECK(Error::logic("bad block").message() == "bad block");
}

TEST_CASE("a result holds either a value or an error")
{
    Result<int> good = 42;
    REQUIRE(good.ok());
    CHECK(good.value() == 42);

    Result<int> bad = Error::sys(EPERM, "socket");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == EPERM);

    Status fine;
    CHECK(fine.ok());
    Status failed = Error::logic("x");
    CHECK_FALSE(failed.ok());
}

TEST_CASE("needing() marks the privilege a step needs and keeps the rest")
{
    const Error e = Error::sys(EPERM, "open AF_PACKET socket").needing(Privilege::raw_socket);
    CHECK(e.needs == Privilege::raw_socket);
    CHECK(e.code == EPERM);
    CHECK(e.context == "open AF_PACKET socket");
    CHECK(Error::sys(EPERM, "open AF_PACKET socket").needs == Privilege::none);
}
