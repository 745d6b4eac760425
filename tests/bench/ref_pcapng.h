// SPDX-License-Identifier: GPL-2.0-or-later
// What the yardsticks (ref_capture.c, ref_xdp.c) share: a stop flag for
// SIGINT/SIGTERM, dying with errno, and a 1 MiB buffer of pcapng blocks
// written to the output file when nearly full.
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
