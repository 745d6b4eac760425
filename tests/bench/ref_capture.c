// SPDX-License-Identifier: GPL-2.0-or-later
// The least a TPACKET_V3 capture into pcapng can do, as a yardstick for
// capture.sh: netring's ring (8 blocks of 4 MiB, 50 ms block timeout, 4
// bytes of PACKET_RESERVE, a keep-all filter), one poll() per wait, each
// frame copied once into a 1 MiB buffer as the same 104-byte EPB netring
// writes (epb_flags and opt_endofopt), the buffer written when nearly full.
// No VLAN tag put back, no checks, no error recovery: not a tool, a bound.
// --fanout N: N such sockets in a PACKET_FANOUT hash group, read in turn by
// the one thread, each frame with its epb_hash as netring --threads N writes
// it (116-byte EPBs), in the order read: no merge.
//
// Usage: ref_capture IFACE FILE [--no-flags | --fanout N]   (SIGINT/SIGTERM stop it)
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ref_pcapng.h"

enum { block_size = 4 << 20, block_count = 8, max_sockets = 8 };

struct sock {
    int fd;
    uint8_t *ring;
    unsigned next;
};

static struct sock open_socket(unsigned ifindex, int fanout)
{
    struct sock k = {.fd = socket(AF_PACKET, SOCK_RAW, 0)};
    if (k.fd < 0)
        fail("socket");
    int v = TPACKET_V3;
    if (setsockopt(k.fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0)
        fail("PACKET_VERSION");
    v = 4;
    if (setsockopt(k.fd, SOL_PACKET, PACKET_RESERVE, &v, sizeof(v)) < 0)
        fail("PACKET_RESERVE");
    struct sock_filter keep = {BPF_RET | BPF_K, 0, 0, 262144};
    struct sock_fprog prog = {1, &keep};
    if (setsockopt(k.fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
        fail("SO_ATTACH_FILTER");
    struct tpacket_req3 req = {
        .tp_block_size = block_size, .tp_block_nr = block_count, .tp_frame_size = 2048,
        .tp_frame_nr = block_size / 2048 * block_count, .tp_retire_blk_tov = 50,
        .tp_feature_req_word = fanout ? TP_FT_REQ_FILL_RXHASH : 0,
    };
    if (setsockopt(k.fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
        fail("PACKET_RX_RING");
    k.ring = mmap(NULL, (size_t)block_size * block_count, PROT_READ | PROT_WRITE, MAP_SHARED, k.fd, 0);
    if (k.ring == MAP_FAILED)
        fail("mmap");
    struct packet_mreq mr = {.mr_ifindex = (int)ifindex, .mr_type = PACKET_MR_PROMISC};
    if (setsockopt(k.fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
        fail("PACKET_ADD_MEMBERSHIP");
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = (int)ifindex};
    if (bind(k.fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
        fail("bind");
    if (fanout) {
        v = (getpid() & 0xffff) | PACKET_FANOUT_HASH << 16;
        if (setsockopt(k.fd, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v)) < 0)
            fail("PACKET_FANOUT");
    }
    return k;
}

int main(int argc, char **argv)
{
    ref_name = "ref_capture";
    if (argc < 3) {
        fprintf(stderr, "usage: ref_capture IFACE FILE [--no-flags | --fanout N]\n");
        return 2;
    }
    const int flags = !(argc > 3 && strcmp(argv[3], "--no-flags") == 0);
    const int fanout = argc > 4 && strcmp(argv[3], "--fanout") == 0;
    const int count = fanout ? atoi(argv[4]) : 1;
    if (count < 1 || count > max_sockets) {
        fprintf(stderr, "ref_capture: 1 to %d sockets\n", max_sockets);
        return 2;
    }
    const unsigned ifindex = if_nametoindex(argv[1]);
    if (ifindex == 0)
        fail(argv[1]);
    struct sock socks[max_sockets];
    for (int i = 0; i < count; i++)
        socks[i] = open_socket(ifindex, fanout);

    open_output(argv[2]);

    uint64_t frames = 0;
    const uint32_t opts = fanout ? 24 : flags ? 12 : 0;
    for (;;) {
        int got = 0;
        for (int s = 0; s < count; s++) {
            struct sock *k = &socks[s];
            struct tpacket_block_desc *b = (struct tpacket_block_desc *)(k->ring + (size_t)k->next * block_size);
            if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
                continue;
            got = 1;
            struct tpacket3_hdr *h = (struct tpacket3_hdr *)((uint8_t *)b + b->hdr.bh1.offset_to_first_pkt);
            for (uint32_t i = 0; i < b->hdr.bh1.num_pkts; i++) {
                const uint32_t cap = h->tp_snaplen, pad = (cap + 3) & ~3u;
                const uint32_t total = 32 + pad + opts;
                if (used + total > buffer_size)
                    flush();
                const uint64_t ts = (uint64_t)h->tp_sec * 1000000000u + h->tp_nsec;
                put32(6); put32(total); put32(0); put32((uint32_t)(ts >> 32)); put32((uint32_t)ts);
                put32(cap); put32(h->tp_len);
                memcpy(buffer + used, (uint8_t *)h + h->tp_mac, cap);
                memset(buffer + used + cap, 0, pad - cap);
                used += pad;
                if (opts != 0) {
                    const struct sockaddr_ll *a =
                        (const struct sockaddr_ll *)((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
                    put32(2 | 4u << 16); put32(a->sll_pkttype == PACKET_OUTGOING ? 2 : 1);
                    if (fanout) {
                        // epb_hash: 5 bytes, a type (2: Toeplitz) and the hash.
                        put32(3 | 5u << 16); buffer[used] = 2; memcpy(buffer + used + 1, &h->hv1.tp_rxhash, 4);
                        memset(buffer + used + 5, 0, 3); used += 8;
                    }
                    put32(0);
                }
                put32(total);
                h = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
            }
            frames += b->hdr.bh1.num_pkts;
            __atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
            k->next = (k->next + 1) % block_count;
        }
        if (got)
            continue;
        if (stop)
            break;
        struct pollfd p[max_sockets];
        for (int s = 0; s < count; s++)
            p[s] = (struct pollfd){.fd = socks[s].fd, .events = POLLIN};
        if (poll(p, (nfds_t)count, 100) < 0 && errno != EINTR)
            fail("poll");
    }
    flush();
    unsigned drops = 0;
    for (int s = 0; s < count; s++) {
        struct tpacket_stats_v3 st;
        socklen_t len = sizeof(st);
        if (getsockopt(socks[s].fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
            fail("PACKET_STATISTICS");
        drops += st.tp_drops;
    }
    fprintf(stderr, "ref_capture: %llu frames, %u dropped by kernel\n", (unsigned long long)frames, drops);
    return close(out) < 0;
}
