// SPDX-License-Identifier: GPL-2.0-or-later
// Test XDP program: drops stamped IPv4/UDP frames to port 9 whose sequence number's low byte & MASK equals VALUE.
//
// Built by stats_capture.sh with clang -target bpf -DMASK=.. -DVALUE=..; no
// kernel headers needed. Offsets follow src/netring/traffic/stamp.h: the
// sequence is the first 8 bytes (big-endian) of the UDP payload at byte 42.

#ifndef MASK
#define MASK 7
#endif
#ifndef VALUE
#define VALUE 5
#endif

#define SEC(name) __attribute__((section(name), used))

struct xdp_md {
    unsigned int data;
    unsigned int data_end;
    unsigned int data_meta;
    unsigned int ingress_ifindex;
    unsigned int rx_queue_index;
    unsigned int egress_ifindex;
};

enum { XDP_ABORTED = 0, XDP_DROP = 1, XDP_PASS = 2 };

SEC("xdp")
int drop_seq(struct xdp_md *ctx)
{
    const unsigned char *d = (const unsigned char *)(unsigned long)ctx->data;
    const unsigned char *end = (const unsigned char *)(unsigned long)ctx->data_end;
    if (d + 60 > end)
        return XDP_PASS;
    // IPv4 without options, UDP, destination port 9.
    if (d[12] != 0x08 || d[13] != 0x00 || d[14] != 0x45 || d[23] != 17 || d[36] != 0 || d[37] != 9)
        return XDP_PASS;
    return (d[42 + 7] & MASK) == VALUE ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
