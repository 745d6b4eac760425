// SPDX-License-Identifier: GPL-2.0-or-later
// main() for Catch2 v2, which has no catch2-with-main library.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
