// SPDX-License-Identifier: GPL-2.0-or-later
// Catch2 v3 or v2, whichever the build found.
#pragma once

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
