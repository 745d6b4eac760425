// SPDX-License-Identifier: GPL-2.0-or-later
// The least a TPACKET_V3 capture into pcapng can do, as a yardstick for
// capture.sh: netring's ring (8 blocks of 4 MiB, 50 ms block timeout, 4
// bytes of PACKET_RESERVE, a keep-all filter), one poll() per wait, each
// frame copied once into a 1 MiB buffer as the same 104-byte EPB netring
// writes (epb_flags and opt_endofopt), the buffer written when nearly full.
// No VLAN tag put back, no checks, no error recovery: not a tool, a bound.
// --fanout N: N such sockets in a PACKET_FANOUT hash group, read in turn by
// the one thread, each frame with its epb_hash as netring --threads N writes
// it (116-byte EPBs), in the order read: no merge. --threads N: the same
// sockets, each read by a thread of its own that hands its blocks to a writer
// that merges them in timestamp order, the least netring --threads N does;
// --merge N: that merge, with no threads (the one thread reads every ring).
//
// Usage: ref_capture IFACE FILE [--no-flags | --fanout N | --merge N | --threads N]   (SIGINT/SIGTERM stop it)
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
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

static uint64_t frame_ts(const struct tpacket3_hdr *h) { return (uint64_t)h->tp_sec * 1000000000u + h->tp_nsec; }

// One frame as an EPB: with opts 12, epb_flags; with opts 24, epb_hash too.
static void put_epb(const struct tpacket3_hdr *h, uint32_t opts, int hash)
{
    const uint32_t total = put_epb_frame(opts, frame_ts(h), (const uint8_t *)h + h->tp_mac, h->tp_snaplen, h->tp_len);
    if (opts != 0) {
        const struct sockaddr_ll *a =
            (const struct sockaddr_ll *)((const uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
        put32(2 | 4u << 16); put32(a->sll_pkttype == PACKET_OUTGOING ? 2 : 1);
        if (hash) {
            // epb_hash: 5 bytes, a type (2: Toeplitz) and the hash.
            put32(3 | 5u << 16); buffer[used] = 2; memcpy(buffer + used + 1, &h->hv1.tp_rxhash, 4);
            memset(buffer + used + 5, 0, 3); used += 8;
        }
        put32(0);
    }
    put32(total);
}

// --threads N: a reader thread per socket hands each retired block to the
// writer (this thread), which merges the lanes' frames in timestamp order and
// gives each block back to the kernel once read. A lane with no block on hand
// may yet hold older frames, so while one is quiet the others' frames go only
// once older than the reorder window (netring's default, 100 ms).
enum { window_ns = 100000000 };

struct lane {
    struct sock k;
    int epoll;
    pthread_t thread;
    uint64_t published;  // blocks handed over: the reader's, read by the writer
    uint64_t released;   // blocks given back: the writer's, read by the reader
    // The writer's: the frame at the head of the block being read.
    struct tpacket3_hdr *h;
    uint32_t left;
    uint64_t ts;
};

static uint32_t bell;  // futex word: counts publications
static int readers_stop;  // the writer's, read by the readers

static void ring_bell(void)
{
    __atomic_add_fetch(&bell, 1, __ATOMIC_RELEASE);
    syscall(SYS_futex, &bell, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

// Hands the writer the lane's next block if the kernel has retired it; 1 if so.
static int publish_ready(struct lane *l)
{
    const uint64_t pub = l->published;
    if (pub - __atomic_load_n(&l->released, __ATOMIC_ACQUIRE) == block_count)
        return 0;
    struct tpacket_block_desc *b = (struct tpacket_block_desc *)(l->k.ring + (size_t)(pub % block_count) * block_size);
    if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
        return 0;
    __atomic_store_n(&l->published, pub + 1, __ATOMIC_RELEASE);
    return 1;
}

static void *reader(void *arg)
{
    struct lane *l = arg;
    sigset_t set;
    sigfillset(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    while (!__atomic_load_n(&readers_stop, __ATOMIC_RELAXED)) {
        if (publish_ready(l)) {
            ring_bell();
            continue;
        }
        // Edge-triggered: woken by the next block the kernel retires (the
        // writer's give-backs wake nobody: the timeout covers them).
        struct epoll_event ev;
        if (epoll_wait(l->epoll, &ev, 1, 50) < 0 && errno != EINTR)
            fail("epoll_wait");
    }
    ring_bell();
    return NULL;
}

// Gives the lane's head a frame, from its next published block if need be;
// 0 when it has none.
static int lane_head(struct lane *l)
{
    while (l->h == NULL) {
        const uint64_t seq = __atomic_load_n(&l->released, __ATOMIC_RELAXED);
        if (seq == __atomic_load_n(&l->published, __ATOMIC_ACQUIRE))
            return 0;
        struct tpacket_block_desc *b = (struct tpacket_block_desc *)(l->k.ring + (size_t)(seq % block_count) * block_size);
        if (b->hdr.bh1.num_pkts != 0) {
            l->h = (struct tpacket3_hdr *)((uint8_t *)b + b->hdr.bh1.offset_to_first_pkt);
            l->left = b->hdr.bh1.num_pkts;
            l->ts = frame_ts(l->h);
        } else {
            __atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
            __atomic_store_n(&l->released, seq + 1, __ATOMIC_RELEASE);
        }
    }
    return 1;
}

static void lane_pop(struct lane *l)
{
    if (--l->left != 0) {
        l->h = (struct tpacket3_hdr *)((uint8_t *)l->h + l->h->tp_next_offset);
        l->ts = frame_ts(l->h);
        return;
    }
    const uint64_t seq = l->released;
    struct tpacket_block_desc *b = (struct tpacket_block_desc *)(l->k.ring + (size_t)(seq % block_count) * block_size);
    __atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    __atomic_store_n(&l->released, seq + 1, __ATOMIC_RELEASE);
    l->h = NULL;
}

// Writes every frame that may go; how many.
static uint64_t merge(struct lane *lanes, int count, int final)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    const uint64_t limit = final ? UINT64_MAX : (uint64_t)now.tv_sec * 1000000000u + now.tv_nsec - window_ns;
    uint64_t n = 0;
    for (;;) {
        struct lane *best = NULL;
        int quiet = 0;
        for (int i = 0; i < count; i++) {
            if (!lane_head(&lanes[i]))
                quiet = 1;
            else if (best == NULL || lanes[i].ts < best->ts)
                best = &lanes[i];
        }
        if (best == NULL || (quiet && best->ts > limit))
            return n;
        put_epb(best->h, 24, 1);
        lane_pop(best);
        n++;
    }
}

// With threads 0 the writer publishes the blocks itself (--merge N): the
// same merge without the threads' hand-over.
static uint64_t run_merged(struct sock *socks, int count, int threads)
{
    static struct lane lanes[max_sockets];
    const int shared = threads ? -1 : epoll_create1(0);
    for (int i = 0; i < count; i++) {
        lanes[i].k = socks[i];
        lanes[i].epoll = threads ? epoll_create1(0) : shared;
        // Edge-triggered: a socket polls readable for as long as its newest
        // retired block is ours, and the merge may hold it for the window.
        struct epoll_event ev = {.events = EPOLLIN | EPOLLET};
        if (lanes[i].epoll < 0 || epoll_ctl(lanes[i].epoll, EPOLL_CTL_ADD, socks[i].fd, &ev) < 0)
            fail("epoll");
        if (threads && pthread_create(&lanes[i].thread, NULL, reader, &lanes[i]) != 0)
            fail("pthread_create");
    }
    uint64_t frames = 0;
    for (int final = 0;; final = readers_stop) {
        const uint32_t seen = __atomic_load_n(&bell, __ATOMIC_ACQUIRE);
        for (int i = 0; !threads && i < count; i++)
            while (publish_ready(&lanes[i]))
                ;
        const uint64_t n = merge(lanes, count, final);
        frames += n;
        if (final)
            return frames;
        if (n != 0)
            continue;
        if (stop) {
            // What the kernel took before the stop: its last blocks retire
            // within their timeout.
            usleep(60000);
            __atomic_store_n(&readers_stop, 1, __ATOMIC_RELAXED);
            for (int i = 0; threads && i < count; i++)
                pthread_join(lanes[i].thread, NULL);
            continue;
        }
        // Until a block is published, or the oldest frame on hand may go.
        uint64_t wait_ns = 50000000, oldest = UINT64_MAX;
        for (int i = 0; i < count; i++)
            if (lanes[i].h != NULL && lanes[i].ts < oldest)
                oldest = lanes[i].ts;
        if (oldest != UINT64_MAX) {
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            const uint64_t due = oldest + window_ns, real = (uint64_t)now.tv_sec * 1000000000u + now.tv_nsec;
            wait_ns = due > real ? due - real + 1000000 : 0;
        }
        if (wait_ns == 0)
            continue;
        if (threads) {
            const struct timespec ts = {(time_t)(wait_ns / 1000000000u), (long)(wait_ns % 1000000000u)};
            syscall(SYS_futex, &bell, FUTEX_WAIT_PRIVATE, seen, &ts, NULL, 0);
        } else {
            struct epoll_event ev[max_sockets];
            if (epoll_wait(shared, ev, max_sockets, (int)(wait_ns / 1000000) + 1) < 0 && errno != EINTR)
                fail("epoll_wait");
        }
    }
}

int main(int argc, char **argv)
{
    ref_name = "ref_capture";
    if (argc < 3) {
        fprintf(stderr, "usage: ref_capture IFACE FILE [--no-flags | --fanout N | --merge N | --threads N]\n");
        return 2;
    }
    const int flags = !(argc > 3 && strcmp(argv[3], "--no-flags") == 0);
    const int threads = argc > 4 && strcmp(argv[3], "--threads") == 0;
    const int merged = threads || (argc > 4 && strcmp(argv[3], "--merge") == 0);
    const int fanout = merged || (argc > 4 && strcmp(argv[3], "--fanout") == 0);
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

    uint64_t frames = merged ? run_merged(socks, count, threads) : 0;
    const uint32_t opts = fanout ? 24 : flags ? 12 : 0;
    while (!merged) {
        int got = 0;
        for (int s = 0; s < count; s++) {
            struct sock *k = &socks[s];
            struct tpacket_block_desc *b = (struct tpacket_block_desc *)(k->ring + (size_t)k->next * block_size);
            if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
                continue;
            got = 1;
            struct tpacket3_hdr *h = (struct tpacket3_hdr *)((uint8_t *)b + b->hdr.bh1.offset_to_first_pkt);
            for (uint32_t i = 0; i < b->hdr.bh1.num_pkts; i++) {
                put_epb(h, opts, fanout);
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
