// SPDX-License-Identifier: GPL-2.0-or-later
// The TPACKET_V3 block walker over blocks built by hand as the kernel lays them out.
#include <cstring>
#include <vector>

#include "catch.h"
#include "netring/afpacket/block_walker.h"

using namespace netring::afpacket;

namespace {

constexpr std::size_t block_size = 4096;
constexpr std::uint32_t mac_offset = TPACKET_ALIGN(sll_offset + sizeof(sockaddr_ll) + 4);

// Appends frames the way tpacket_rcv() does: header, sockaddr_ll, data at
// tp_mac, next header 16-byte aligned.
struct BlockBuilder {
    std::vector<std::uint8_t> mem = std::vector<std::uint8_t>(block_size, 0);
    std::size_t offset = TPACKET_ALIGN(sizeof(tpacket_block_desc));
    tpacket3_hdr *last = nullptr;
    std::uint32_t count = 0;

    BlockBuilder()
    {
        desc().hdr.bh1.offset_to_first_pkt = static_cast<std::uint32_t>(offset);
        desc().hdr.bh1.block_status = TP_STATUS_USER;
    }
    tpacket_block_desc &desc() { return *reinterpret_cast<tpacket_block_desc *>(mem.data()); }

    void add(std::uint32_t len, std::uint8_t fill, unsigned char pkttype)
    {
        auto *h = reinterpret_cast<tpacket3_hdr *>(mem.data() + offset);
        h->tp_snaplen = len;
        h->tp_len = len;
        h->tp_mac = mac_offset;
        h->tp_sec = 1;
        h->tp_nsec = count;
        reinterpret_cast<sockaddr_ll *>(mem.data() + offset + sll_offset)->sll_pkttype = pkttype;
        std::memset(mem.data() + offset + mac_offset, fill, len);
        if (last != nullptr)
            last->tp_next_offset = static_cast<std::uint32_t>(reinterpret_cast<std::uint8_t *>(h) -
                                                              reinterpret_cast<std::uint8_t *>(last));
        last = h;
        offset += TPACKET_ALIGN(mac_offset + len);
        desc().hdr.bh1.num_pkts = ++count;
    }
};

// Calls fn(header, mac) for each frame; the frames visited, or -1 when the
// walk stopped at a malformed one.
template <typename Fn>
long walk_block(std::uint8_t *block, std::size_t size, Fn &&fn)
{
    BlockWalker walker(block, size);
    std::uint8_t *mac = nullptr;
    while (tpacket3_hdr *hdr = walker.next(mac))
        fn(*hdr, mac);
    return walker.malformed() ? -1 : static_cast<long>(walker.visited());
}

}  // namespace

TEST_CASE("every frame of a block is visited in order with its data and address")
{
    BlockBuilder b;
    b.add(60, 0x11, PACKET_HOST);
    b.add(61, 0x22, PACKET_BROADCAST);
    b.add(1000, 0x33, PACKET_OUTGOING);
    std::vector<std::uint32_t> lens;
    std::vector<std::uint8_t> firsts;
    std::vector<unsigned char> types;
    const long n = walk_block(b.mem.data(), block_size, [&](const tpacket3_hdr &h, std::uint8_t *mac) {
        lens.push_back(h.tp_snaplen);
        firsts.push_back(mac[0]);
        types.push_back(frame_address(h).sll_pkttype);
        CHECK(mac[h.tp_snaplen - 1] == mac[0]);
    });
    CHECK(n == 3);
    CHECK(lens == std::vector<std::uint32_t>{60, 61, 1000});
    CHECK(firsts == std::vector<std::uint8_t>{0x11, 0x22, 0x33});
    CHECK(types == std::vector<unsigned char>{PACKET_HOST, PACKET_BROADCAST, PACKET_OUTGOING});
}

TEST_CASE("an empty block visits nothing")
{
    BlockBuilder b;
    int visits = 0;
    CHECK(walk_block(b.mem.data(), block_size, [&](const tpacket3_hdr &, std::uint8_t *) { ++visits; }) == 0);
    CHECK(visits == 0);
}

TEST_CASE("a frame reaching past the block stops the walk before it is read")
{
    BlockBuilder b;
    b.add(60, 0x11, PACKET_HOST);
    b.add(60, 0x22, PACKET_HOST);
    b.last->tp_snaplen = block_size;  // claims more bytes than the block holds
    int visits = 0;
    CHECK(walk_block(b.mem.data(), block_size, [&](const tpacket3_hdr &, std::uint8_t *) { ++visits; }) == -1);
    CHECK(visits == 1);
}

TEST_CASE("a next offset of zero or out of range is refused")
{
    BlockBuilder b;
    b.add(60, 0x11, PACKET_HOST);
    b.add(60, 0x22, PACKET_HOST);
    auto *first = reinterpret_cast<tpacket3_hdr *>(b.mem.data() + b.desc().hdr.bh1.offset_to_first_pkt);
    first->tp_next_offset = 0;
    int visits = 0;
    CHECK(walk_block(b.mem.data(), block_size, [&](const tpacket3_hdr &, std::uint8_t *) { ++visits; }) == -1);

    first->tp_next_offset = block_size * 2;
    CHECK(walk_block(b.mem.data(), block_size, [&](const tpacket3_hdr &, std::uint8_t *) { ++visits; }) == -1);

    b.desc().hdr.bh1.offset_to_first_pkt = block_size - 8;
    CHECK(walk_block(b.mem.data(), block_size, [&](const tpacket3_hdr &, std::uint8_t *) { ++visits; }) == -1);
    CHECK(visits == 2);  // the first frame of the first two walks, nothing more
}
