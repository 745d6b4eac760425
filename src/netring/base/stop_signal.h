// SPDX-License-Identifier: GPL-2.0-or-later
// Turns SIGINT, SIGTERM and SIGHUP into a flag that capture loops poll.
#pragma once

namespace netring {

// Installs the handlers without SA_RESTART, so a blocking poll() returns
// EINTR at once, and ignores SIGPIPE so that a closed reader shows up as
// EPIPE from write() instead of killing the process mid-block.
void install_stop_handlers();

// The signal that asked us to stop, or 0.
int stop_requested();

// How many stop signals have arrived: a wait that outlasts the first one
// (draining a TX ring) ends when the count moves on.
unsigned stop_signal_count();

// Lets a loop stop itself the same way a signal would (count reached, ...).
void request_stop(int why);

}  // namespace netring
