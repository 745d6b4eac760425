// SPDX-License-Identifier: GPL-2.0-or-later
// PacketRxRing: an AF_PACKET socket with a TPACKET_V3 receive ring.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "netring/afpacket/block_walker.h"
#include "netring/base/link_stats.h"
#include "netring/base/mapped_region.h"
#include "netring/base/unique_fd.h"
#include "netring/capture/filter.h"
#include "netring/capture/source.h"

namespace netring::afpacket {

enum class DirectionFilter { inout, in, out };

struct RxOptions {
    std::string interface;
    std::uint32_t snaplen = 262144;
    bool promiscuous = true;
    DirectionFilter direction = DirectionFilter::inout;
    std::size_t ring_bytes = std::size_t{32} << 20;
    unsigned block_timeout_ms = 50;  // how long a part-filled block waits
    const Filter *filter = nullptr;  // compiled with the same snaplen
    bool want_hash = false;          // fill Frame::hash from the flow hash
    std::uint32_t interface_id = 0;  // Frame::interface
    // counters() reports the interface's own (if_received, if_dropped); one
    // socket of a fanout group does, the others would only read them again.
    bool interface_counters = true;
    // Bind with a drop-everything filter; the real one (filter / snap length)
    // comes with attach_final_filter(). A fanout member must be bound before it
    // may join its group, and until then it would receive copies of every frame.
    bool start_blocked = false;
};

// Each ring may run on its own thread (rings share nothing), but one ring's
// poll() and counters() must not run concurrently.
class PacketRxRing final : public CaptureSource {
public:
    // Opens, filters, maps and binds, in the order that lets no unfiltered
    // frame in. Errors name the step; EPERM means CAP_NET_RAW is missing.
    static Result<std::unique_ptr<PacketRxRing>> open(const RxOptions &options);

    // Replaces the drop-everything filter of a ring opened with start_blocked
    // by the filter and snap length it was opened with.
    Status attach_final_filter();
    // PACKET_FANOUT with `group_id | type_flags << 16` (group_id 0 with
    // PACKET_FANOUT_FLAG_UNIQUEID: the kernel picks one). Returns the group id
    // the kernel reports, which the other members join.
    Result<std::uint16_t> join_fanout(std::uint16_t group_id, std::uint16_t type_flags);

    // Frame::drops_before: frames the ring lost (counters().dropped) that no
    // earlier frame reported, on the first frame of the block the kernel
    // marked TP_STATUS_LOSING (or of the next block after counters() saw them).
    Result<std::size_t> poll(int timeout_ms, const FrameHandler &handler) override;
    Result<SourceCounters> counters() override;
    // The block timeout, and slack for the kernel's timer.
    [[nodiscard]] int settle_ms() const override { return static_cast<int>(block_timeout_ms_) + 20; }
    // A loan is a ring block, given back to the kernel by give_back(). The
    // ring reads on past lent blocks; it stops at one still on loan when it
    // comes round to it again, as the kernel does. A ring of a few blocks
    // does not lend: the kernel would soon have none to fill (with -B 1024,
    // two blocks, lending dropped 8% of a flood that copying caught whole).
    [[nodiscard]] std::size_t loan_limit() const override
    {
        return block_count_ >= min_blocks_to_lend ? block_count_ : 0;
    }
    // Lends each finished block whole: its frames are read, filtered and
    // given their VLAN tags back by whoever holds the loan.
    Result<std::size_t> poll_lending(int timeout_ms, const LendHandler &lend) override;
    void give_back(std::uint32_t loan) override;
    [[nodiscard]] bool waiting_for_loans() const override
    {
        return !lent_.empty() && lent_[(next_block_ + block_count_ - 1) % block_count_];
    }

    [[nodiscard]] int loan_wait_fd() const override { return fd_.get(); }

    [[nodiscard]] std::size_t block_size() const { return block_size_; }
    [[nodiscard]] std::size_t block_count() const { return block_count_; }
    [[nodiscard]] int fd() const { return fd_.get(); }
    // The PACKET_FANOUT group this ring belongs to, if any (for logs).
    [[nodiscard]] std::optional<std::uint16_t> fanout_group() const { return fanout_group_; }

private:
    static constexpr std::size_t min_blocks_to_lend = 8;

    PacketRxRing() = default;
    Status setup(const RxOptions &options);
    // A block of the ring, lent whole: reads its frames on the holder's thread.
    class LentBlock final : public LentFrames {
    public:
        explicit LentBlock(PacketRxRing *ring) : ring_(ring) {}
        void start(std::uint8_t *block, std::uint64_t drops);
        std::size_t read(Frame *out, std::size_t room) override;
        [[nodiscard]] std::size_t max_bytes() const override { return bytes_; }
        [[nodiscard]] std::size_t max_frames() const override { return frames_; }

    private:
        PacketRxRing *ring_;
        BlockWalker walker_;
        std::uint64_t drops_ = 0;
        std::size_t bytes_ = 0;
        std::size_t frames_ = 0;
    };

    // take(stopped) on what is ready; if nothing is, waits up to timeout_ms
    // for the socket and takes again.
    template <typename Take>
    Result<std::size_t> wait_then(int timeout_ms, Take &&take);
    // Hands over the frames of every block the kernel has finished, each
    // block going back to the kernel after.
    std::size_t drain(const FrameHandler &handler, bool &stopped);
    // Lends every block the kernel has finished.
    std::size_t lend_ready(const LendHandler &lend);
    // The next block, if the kernel has finished it and it is not on loan.
    std::uint8_t *ready_block();
    // Drops the ring counted that no frame has reported yet (Frame::drops_before).
    std::uint64_t unreported_drops(const std::uint8_t *block);
    // The frame at hdr as a Frame, or false when the user-space filter or the
    // direction rejects it. Puts a VLAN tag the kernel took out back in place.
    bool to_frame(const tpacket3_hdr &hdr, std::uint8_t *mac, Frame &f) const;
    void release_block(std::size_t index);
    Status socket_error();
    // The only PACKET_STATISTICS reader: the kernel zeroes its counters on
    // each read, so every read must land in totals_.
    Status read_statistics();

    // Member order is teardown order, reversed: the ring is unmapped before
    // the socket that owns it is closed.
    UniqueFd fd_;
    MappedRegion ring_;
    std::size_t block_size_ = 0;
    std::size_t block_count_ = 0;
    std::size_t next_block_ = 0;
    unsigned block_timeout_ms_ = 0;
    std::vector<bool> lent_;  // per block: handed over by poll_lending(), not yet given back
    std::vector<LentBlock> lent_blocks_;  // per block
    std::string interface_;
    unsigned ifindex_ = 0;
    std::uint32_t snaplen_ = 0;
    std::uint32_t interface_id_ = 0;
    DirectionFilter direction_ = DirectionFilter::inout;
    const Filter *filter_ = nullptr;       // as opened, for attach_final_filter()
    const Filter *user_filter_ = nullptr;  // set only when the kernel cannot filter
    std::optional<std::uint16_t> fanout_group_;
    bool want_hash_ = false;
    LinkBaseline link_;
    SourceCounters totals_{};
    std::uint64_t user_rejected_ = 0;
    // Rejected by the holders of lent blocks: one thread at a time (the
    // writer), while counters() may run on another.
    std::atomic<std::uint64_t> lent_rejected_{0};
    std::uint64_t drops_attributed_ = 0;  // of totals_.dropped, already on a Frame::drops_before
    // Drops of a lent block that kept no frame: the next frame a lent block
    // of this ring gives reports them. Only the holder touches it.
    std::uint64_t lent_drops_carried_ = 0;
};

}  // namespace netring::afpacket
