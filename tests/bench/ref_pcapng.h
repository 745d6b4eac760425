// SPDX-License-Identifier: GPL-2.0-or-later
// What the yardsticks (ref_capture.c, ref_xdp.c) share: a stop flag for
// SIGINT/SIGTERM, dying with errno, a 1 MiB buffer of pcapng blocks
// written to the output file when nearly full, and each EPB's head.
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { buffer_size = 1 << 20 };

static const char *ref_name;
static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static void fail(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", ref_name, what, strerror(errno));
    exit(1);
}

static uint8_t buffer[buffer_size];
static size_t used;
static int out;

static void flush(void)
{
    size_t done = 0;
    while (done < used) {
        ssize_t n = write(out, buffer + done, used - done);
        if (n < 0)
            fail("write");
        done += (size_t)n;
    }
    used = 0;
}

static void put32(uint32_t v) { memcpy(buffer + used, &v, 4); used += 4; }

// An EPB on interface 0 up to its options: the head and the frame's bytes,
// padded to 4. The caller adds opts bytes of options, then put32(total)
// with the length this returns. Flushes first if the block would not fit.
static uint32_t put_epb_frame(uint32_t opts, uint64_t ts, const uint8_t *data, uint32_t cap, uint32_t wirelen)
{
    const uint32_t pad = (cap + 3) & ~3u, total = 32 + pad + opts;
    if (used + total > buffer_size)
        flush();
    put32(6); put32(total); put32(0); put32((uint32_t)(ts >> 32)); put32((uint32_t)ts);
    put32(cap); put32(wirelen);
    memcpy(buffer + used, data, cap);
    memset(buffer + used + cap, 0, pad - cap);
    used += pad;
    return total;
}

// Opens FILE with an SHB (no options) and an IDB (Ethernet, snaplen 262144,
// if_tsresol 9) in the buffer, and stops on SIGINT and SIGTERM from now on.
static void open_output(const char *file)
{
    out = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0)
        fail(file);
    put32(0x0A0D0D0A); put32(28); put32(0x1A2B3C4D); put32(1); put32(0xffffffff); put32(0xffffffff); put32(28);
    put32(1); put32(32); put32(1); put32(262144); put32(9 | 1u << 16); put32(9); put32(0); put32(32);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}
