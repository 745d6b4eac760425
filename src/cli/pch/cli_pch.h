// SPDX-License-Identifier: GPL-2.0-or-later
// Precompiled for every file of the CLI: the library's common headers.
// CLI11 stays out: its header defines validator objects at namespace scope,
// built again in every file that includes it, which cost more than parsing
// it in the files that need it.
#include "netring/pch/netring_pch.h"
