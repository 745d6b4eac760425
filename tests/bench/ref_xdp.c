// SPDX-License-Identifier: GPL-2.0-or-later
// The least an AF_XDP capture into pcapng can do, as a yardstick for
// capture.sh beside ref_capture.c: netring's native-mode set-up on one queue
// (a 32 MiB UMEM of 2048-byte chunks on transparent huge pages, an RX slot
// for every chunk, copy mode, an XDP program that stamps each frame with
// bpf_ktime_get_ns in its metadata and redirects it to the socket), read in
// naps of 2 ms with no poll(), each frame copied once into a 1 MiB buffer as
// the same 104-byte EPB netring writes, its chunk straight back to the Fill
// ring. No checks and no recovery: not a tool, a bound. --queues N: queues
// 0 to N-1, a socket and UMEM each, read in turn by the one thread, each
// frame with its epb_queue as netring --queues writes it (112-byte EPBs), in
// the order read: no merge.
//
// Usage: ref_xdp IFACE FILE [--queues N]   (SIGINT/SIGTERM stop it)
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ref_pcapng.h"

enum { umem_size = 32 << 20, chunk = 2048, slots = umem_size / chunk, max_queues = 8 };

static long bpf(int cmd, union bpf_attr *attr) { return syscall(__NR_bpf, cmd, attr, sizeof(*attr)); }

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

struct ring {
    uint32_t *producer, *consumer;
    void *descs;
};

static struct ring map_ring(int fd, const struct xdp_ring_offset *off, size_t desc_size, off_t pgoff)
{
    uint8_t *base = mmap(NULL, off->desc + (size_t)slots * desc_size, PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_POPULATE, fd, pgoff);
    if (base == MAP_FAILED)
        fail("mmap ring");
    return (struct ring){(uint32_t *)(base + off->producer), (uint32_t *)(base + off->consumer), base + off->desc};
}

// One queue's socket: its UMEM, its Fill and RX rings, all of it for RX.
struct xq {
    int fd;
    uint8_t *umem;
    struct ring fill, rx;
    uint32_t rx_cons, fill_prod;
};

static struct xq open_queue(unsigned ifindex, uint32_t queue)
{
    struct xq q = {0};
    // UMEM on huge pages, as netring's.
    uint8_t *raw = mmap(NULL, umem_size + (2 << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        fail("mmap UMEM");
    q.umem = (uint8_t *)(((uintptr_t)raw + (2 << 20) - 1) & ~(uintptr_t)((2 << 20) - 1));
    madvise(q.umem, umem_size, MADV_HUGEPAGE);
    memset(q.umem, 0, umem_size);

    q.fd = socket(AF_XDP, SOCK_RAW, 0);
    if (q.fd < 0)
        fail("socket");
    struct xdp_umem_reg reg = {.addr = (uintptr_t)q.umem, .len = umem_size, .chunk_size = chunk};
    if (setsockopt(q.fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)) < 0)
        fail("XDP_UMEM_REG");
    int n = slots;
    if (setsockopt(q.fd, SOL_XDP, XDP_UMEM_FILL_RING, &n, sizeof(n)) < 0 ||
        setsockopt(q.fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &n, sizeof(n)) < 0 ||
        setsockopt(q.fd, SOL_XDP, XDP_RX_RING, &n, sizeof(n)) < 0)
        fail("ring sizes");
    struct xdp_mmap_offsets off;
    socklen_t len = sizeof(off);
    if (getsockopt(q.fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &len) < 0)
        fail("XDP_MMAP_OFFSETS");
    q.fill = map_ring(q.fd, &off.fr, sizeof(uint64_t), XDP_UMEM_PGOFF_FILL_RING);
    q.rx = map_ring(q.fd, &off.rx, sizeof(struct xdp_desc), XDP_PGOFF_RX_RING);
    uint64_t *fill_addr = q.fill.descs;
    for (uint32_t i = 0; i < slots; i++)
        fill_addr[i] = (uint64_t)i * chunk;
    q.fill_prod = slots;
    __atomic_store_n(q.fill.producer, slots, __ATOMIC_RELEASE);
    struct sockaddr_xdp sxdp = {.sxdp_family = AF_XDP, .sxdp_ifindex = ifindex, .sxdp_queue_id = queue,
                                .sxdp_flags = XDP_COPY};
    if (bind(q.fd, (struct sockaddr *)&sxdp, sizeof(sxdp)) < 0)
        fail("bind");
    return q;
}

int main(int argc, char **argv)
{
    ref_name = "ref_xdp";
    if (argc < 3) {
        fprintf(stderr, "usage: ref_xdp IFACE FILE [--queues N]\n");
        return 2;
    }
    const int count = argc > 4 && strcmp(argv[3], "--queues") == 0 ? atoi(argv[4]) : 1;
    if (count < 1 || count > max_queues) {
        fprintf(stderr, "ref_xdp: 1 to %d queues\n", max_queues);
        return 2;
    }
    const unsigned ifindex = if_nametoindex(argv[1]);
    if (ifindex == 0)
        fail(argv[1]);

    struct xq queues[max_queues];
    for (int i = 0; i < count; i++)
        queues[i] = open_queue(ifindex, (uint32_t)i);

    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_type = BPF_MAP_TYPE_XSKMAP;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = (uint32_t)count;
    const int map = (int)bpf(BPF_MAP_CREATE, &attr);
    if (map < 0)
        fail("BPF_MAP_CREATE");
    for (int i = 0; i < count; i++) {
        uint32_t key = (uint32_t)i, value = (uint32_t)queues[i].fd;
        memset(&attr, 0, sizeof(attr));
        attr.map_fd = (uint32_t)map;
        attr.key = (uintptr_t)&key;
        attr.value = (uintptr_t)&value;
        if (bpf(BPF_MAP_UPDATE_ELEM, &attr) < 0)
            fail("BPF_MAP_UPDATE_ELEM");
    }

    // r6 = ctx; r7 = ktime; adjust_meta(-8); if the meta fits, store r7
    // there; return redirect_map(map, rx_queue_index, XDP_PASS).
    const struct bpf_insn prog[] = {
        INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),
        INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ktime_get_ns),
        INSN(BPF_ALU64 | BPF_MOV | BPF_X, 7, 0, 0, 0),
        INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0),
        INSN(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, -8),
        INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_xdp_adjust_meta),
        INSN(BPF_JMP | BPF_JNE | BPF_K, 0, 0, 6, 0),
        INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 6, offsetof(struct xdp_md, data_meta), 0),
        INSN(BPF_LDX | BPF_MEM | BPF_W, 3, 6, offsetof(struct xdp_md, data), 0),
        INSN(BPF_ALU64 | BPF_MOV | BPF_X, 4, 2, 0, 0),
        INSN(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, 8),
        INSN(BPF_JMP | BPF_JGT | BPF_X, 4, 3, 1, 0),
        INSN(BPF_STX | BPF_MEM | BPF_DW, 2, 7, 0, 0),
        INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 6, offsetof(struct xdp_md, rx_queue_index), 0),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map),
        INSN(0, 0, 0, 0, 0),
        INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, XDP_PASS),
        INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_redirect_map),
        INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
    };
    static char log[65536];
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_XDP;
    attr.insns = (uintptr_t)prog;
    attr.insn_cnt = sizeof(prog) / sizeof(prog[0]);
    attr.license = (uintptr_t) "GPL";
    attr.expected_attach_type = BPF_XDP;
    attr.log_buf = (uintptr_t)log;
    attr.log_size = sizeof(log);
    attr.log_level = 1;
    const int prog_fd = (int)bpf(BPF_PROG_LOAD, &attr);
    if (prog_fd < 0) {
        fprintf(stderr, "%s", log);
        fail("BPF_PROG_LOAD");
    }
    memset(&attr, 0, sizeof(attr));
    attr.link_create.prog_fd = (uint32_t)prog_fd;
    attr.link_create.target_ifindex = ifindex;
    attr.link_create.attach_type = BPF_XDP;
    attr.link_create.flags = XDP_FLAGS_DRV_MODE;
    if (bpf(BPF_LINK_CREATE, &attr) < 0)
        fail("BPF_LINK_CREATE");

    open_output(argv[2]);
    fprintf(stderr, "ref_xdp: frames received on these queues go to ref_xdp\n");

    struct timespec mono, real;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &real);
    const int64_t real_minus_mono = (real.tv_sec - mono.tv_sec) * 1000000000LL + real.tv_nsec - mono.tv_nsec;
    const struct timespec nap = {0, 2000000};
    uint64_t frames = 0;
    // epb_flags, then with several queues epb_queue, then opt_endofopt.
    const uint32_t opts = count > 1 ? 20 : 12;
    int last_look = 0;
    for (;;) {
        for (int qi = 0; qi < count; qi++) {
            struct xq *q = &queues[qi];
            const struct xdp_desc *rx_desc = q->rx.descs;
            uint64_t *fill_addr = q->fill.descs;
            const uint32_t ready = __atomic_load_n(q->rx.producer, __ATOMIC_ACQUIRE) - q->rx_cons;
            for (uint32_t i = 0; i < ready; i++) {
                const struct xdp_desc *d = &rx_desc[(q->rx_cons + i) & (slots - 1)];
                const uint8_t *data = q->umem + d->addr;
                uint64_t ts;
                memcpy(&ts, data - 8, 8);
                ts += (uint64_t)real_minus_mono;
                const uint32_t total = put_epb_frame(opts, ts, data, d->len, d->len);
                put32(2 | 4u << 16); put32(1);
                if (count > 1) {
                    put32(6 | 4u << 16); put32((uint32_t)qi);
                }
                put32(0);
                put32(total);
                fill_addr[(q->fill_prod + i) & (slots - 1)] = d->addr & ~(uint64_t)(chunk - 1);
            }
            if (ready != 0) {
                q->rx_cons += ready;
                q->fill_prod += ready;
                frames += ready;
                __atomic_store_n(q->rx.consumer, q->rx_cons, __ATOMIC_RELEASE);
                __atomic_store_n(q->fill.producer, q->fill_prod, __ATOMIC_RELEASE);
            }
        }
        if (stop && last_look++)
            break;
        nanosleep(&nap, NULL);
    }
    flush();
    unsigned long long drops = 0;
    for (int i = 0; i < count; i++) {
        struct xdp_statistics st;
        socklen_t len = sizeof(st);
        if (getsockopt(queues[i].fd, SOL_XDP, XDP_STATISTICS, &st, &len) < 0)
            fail("XDP_STATISTICS");
        drops += st.rx_dropped + st.rx_ring_full + st.rx_fill_ring_empty_descs;
    }
    fprintf(stderr, "ref_xdp: %llu frames, %llu dropped by kernel\n", (unsigned long long)frames, drops);
    return close(out) < 0;
}
