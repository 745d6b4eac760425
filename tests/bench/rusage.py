#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs argv as a child, writes the child's pid to PIDFILE as soon as it
# exists, and after it exits writes "user_us sys_us exit_code nvcsw nivcsw" from wait4()
# to RUFILE, then its voluntary and involuntary context switches: exact
# figures of that process alone (all its threads), not of this wrapper.
# Usage: rusage.py PIDFILE RUFILE ARGV...
import os, signal, sys
pidfile, rufile, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
pid = os.fork()
if pid == 0:
    # A background job of a non-interactive shell ignores SIGINT; the tool must not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execvp(argv[0], argv)
with open(pidfile + ".tmp", "w") as f:
    f.write(str(pid))
os.rename(pidfile + ".tmp", pidfile)
signal.signal(signal.SIGINT, signal.SIG_IGN)
_, status, ru = os.wait4(pid, 0)
with open(rufile, "w") as f:
    f.write("%d %d %d %d %d\n" % (round(ru.ru_utime * 1e6), round(ru.ru_stime * 1e6),
                                  os.waitstatus_to_exitcode(status), ru.ru_nvcsw, ru.ru_nivcsw))
