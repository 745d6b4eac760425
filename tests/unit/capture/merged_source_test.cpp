// SPDX-License-Identifier: GPL-2.0-or-later
// MergedSource: real threads over scripted sources; order, completeness, the reorder window, failures.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <thread>
#include <vector>

#include "catch.h"
#include "netring/base/clock.h"
#include "netring/base/unique_fd.h"
#include "netring/capture/merged_source.h"

using namespace netring;

namespace {

// Hands over scripted frames once the wall clock reaches each one's `at`;
// each frame's bytes hold its timestamp, so the output can be checked.
class ScriptedSource final : public CaptureSource {
public:
    struct Item {
        std::uint64_t at_ns;  // monotonic time it becomes available
        std::uint64_t ts_ns;
    };
    explicit ScriptedSource(std::vector<Item> items, std::size_t fail_after = SIZE_MAX)
        : items_(std::move(items)), fail_after_(fail_after)
    {
    }

    Result<std::size_t> poll(int timeout_ms, const FrameHandler &handler) override
    {
        if (next_ >= fail_after_)
            return Error::sys(ENETDOWN, "scripted interface went down");
        std::size_t n = 0;
        const std::uint64_t now = monotonic_ns();
        while (next_ < items_.size() && next_ < fail_after_ && items_[next_].at_ns <= now && n < 500) {
            std::uint8_t bytes[60]{};
            std::memcpy(bytes, &items_[next_].ts_ns, 8);
            Frame f;
            f.data = bytes;
            f.caplen = f.wirelen = sizeof(bytes);
            f.ts_ns = items_[next_].ts_ns;
            ++next_;
            ++n;
            if (!handler(f))
                break;
        }
        if (n == 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min(timeout_ms, 2)));
        return n;
    }
    Result<SourceCounters> counters() override
    {
        SourceCounters c;
        c.received = next_;
        c.dropped = 1;
        c.if_received = 1000;
        return c;
    }

private:
    std::vector<Item> items_;
    std::size_t next_ = 0;
    std::size_t fail_after_;
};

// The frames of one block of a lending source below, read as a ring block's are.
class BlockFrames final : public LentFrames {
public:
    void fill(std::vector<Frame> frames)
    {
        frames_ = std::move(frames);
        next_ = 0;
    }
    // A few at a time, however much room: the reader must come back for more.
    std::size_t read(Frame *out, std::size_t room) override
    {
        std::size_t n = 0;
        while (n < std::min<std::size_t>(room, 7) && next_ < frames_.size())
            out[n++] = frames_[next_++];
        return n;
    }
    [[nodiscard]] std::size_t max_bytes() const override
    {
        std::size_t n = 0;
        for (const Frame &f : frames_)
            n += f.caplen;
        return n;
    }
    [[nodiscard]] std::size_t max_frames() const override { return frames_.size(); }

private:
    std::vector<Frame> frames_;
    std::size_t next_ = 0;
};

// Lends its frames as an AF_PACKET ring does: frames are written into a
// few fixed blocks, a block is lent once its frames are handed over, and the
// next block is filled only once it has been given back. A given-back block
// is overwritten at once, so a frame read after its loan ended shows up in
// the recorder's check of its bytes.
class LendingSource final : public CaptureSource {
public:
    static constexpr std::size_t blocks = 4;
    static constexpr std::size_t per_block = 50;
    static constexpr std::size_t frame_bytes = 60;

    LendingSource(std::uint64_t base_ts, std::size_t frames, std::uint64_t step)
        : base_(base_ts), frames_(frames), step_(step), memory_(blocks * per_block * frame_bytes)
    {
    }

    Result<std::size_t> poll(int, const FrameHandler &) override { return Error::logic("poll() on a lending source"); }
    [[nodiscard]] std::size_t loan_limit() const override { return blocks; }
    Result<std::size_t> poll_lending(int timeout_ms, const LendHandler &lend) override
    {
        if (next_ == frames_ || waiting_for_loans()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min(timeout_ms, 1)));
            return std::size_t{0};
        }
        const std::size_t block = filled_ % blocks;
        std::uint8_t *start = memory_.data() + block * per_block * frame_bytes;
        std::vector<Frame> frames;
        for (std::size_t n = 0; n < per_block && next_ < frames_; ++n, ++next_) {
            const std::uint64_t ts = base_ + next_ * step_;
            std::uint8_t *bytes = start + n * frame_bytes;
            std::memcpy(bytes, &ts, 8);
            Frame &f = frames.emplace_back();
            f.data = bytes;
            f.caplen = f.wirelen = frame_bytes;
            f.ts_ns = ts;
        }
        const std::size_t n = frames.size();
        lent_[block] = true;
        ++filled_;
        ++loans;
        block_frames_[block].fill(std::move(frames));
        lend(static_cast<std::uint32_t>(block), block_frames_[block]);
        return n;
    }
    void give_back(std::uint32_t loan) override
    {
        if (loan >= blocks || !lent_[loan]) {
            ++bad_give_backs;
            return;
        }
        lent_[loan] = false;
        ++given_back;
        std::memset(memory_.data() + loan * per_block * frame_bytes, 0xaa, per_block * frame_bytes);
    }
    [[nodiscard]] bool waiting_for_loans() const override { return lent_[filled_ % blocks]; }
    // Never readable: a block here fills only once a loan has come back.
    [[nodiscard]] int loan_wait_fd() const override { return never_.get(); }
    Result<SourceCounters> counters() override { return SourceCounters{}; }

    // Read once the thread has stopped.
    std::atomic<std::size_t> loans = 0;  // watched by the test while the thread runs
    std::size_t given_back = 0;
    std::size_t bad_give_backs = 0;

private:
    std::uint64_t base_;
    std::size_t frames_;
    std::uint64_t step_;
    std::vector<std::uint8_t> memory_;
    BlockFrames block_frames_[blocks];
    bool lent_[blocks]{};
    std::size_t filled_ = 0;
    std::size_t next_ = 0;
    UniqueFd never_{::eventfd(0, EFD_CLOEXEC)};
};

// Lends blocks that "retire" when the test says so (an eventfd write), as a
// kernel ring's blocks retire while the thread sleeps. Many blocks: a thread
// with one of them on loan is far from running out.
class RetiringSource final : public CaptureSource {
public:
    static constexpr std::size_t blocks = 16;

    explicit RetiringSource(std::uint64_t base_ts) : base_(base_ts) {}

    // Test: one more block is ready.
    void retire() const
    {
        const std::uint64_t one = 1;
        REQUIRE(::write(retired_.get(), &one, sizeof one) == sizeof one);
    }

    Result<std::size_t> poll(int, const FrameHandler &) override { return Error::logic("poll() on a lending source"); }
    [[nodiscard]] std::size_t loan_limit() const override { return blocks; }
    Result<std::size_t> poll_lending(int timeout_ms, const LendHandler &lend) override
    {
        if (!take_retired() && !waiting_for_loans()) {
            // Sleeps as poll() on a ring's socket does, until a block retires.
            pollfd pfd{retired_.get(), POLLIN, 0};
            ::poll(&pfd, 1, timeout_ms);
            take_retired();
        }
        const std::size_t block = handed_ % blocks;
        if (handed_ == ready_ || lent_[block])
            return std::size_t{0};
        const std::uint64_t ts = base_ + handed_;
        std::memcpy(bytes_[block], &ts, 8);
        Frame f;
        f.data = bytes_[block];
        f.caplen = f.wirelen = sizeof bytes_[block];
        f.ts_ns = ts;
        block_frames_[block].fill({f});
        lent_[block] = true;
        ++handed_;
        ++loans;
        lend(static_cast<std::uint32_t>(block), block_frames_[block]);
        return std::size_t{1};
    }
    void give_back(std::uint32_t loan) override { lent_[loan % blocks] = false; }
    // As a ring's: the newest block handed over is still on loan.
    [[nodiscard]] bool waiting_for_loans() const override { return handed_ > 0 && lent_[(handed_ - 1) % blocks]; }
    [[nodiscard]] int loan_wait_fd() const override { return retired_.get(); }
    Result<SourceCounters> counters() override { return SourceCounters{}; }

    std::atomic<std::size_t> loans = 0;  // watched by the test while the thread runs

private:
    bool take_retired()
    {
        std::uint64_t n = 0;
        if (::read(retired_.get(), &n, sizeof n) != sizeof n)
            return false;
        ready_ += n;
        return true;
    }

    std::uint64_t base_;
    UniqueFd retired_{::eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK)};  // block 0 is ready from the start
    std::uint8_t bytes_[blocks][60]{};
    BlockFrames block_frames_[blocks];
    bool lent_[blocks]{};
    std::size_t ready_ = 0;
    std::size_t handed_ = 0;
};

struct Seen {
    std::vector<std::uint64_t> ts;
    std::vector<std::uint32_t> interface;
};

FrameHandler recorder(Seen &seen)
{
    return [&seen](const Frame &f) {
        std::uint64_t ts = 0;
        std::memcpy(&ts, f.data, 8);
        REQUIRE(ts == f.ts_ns);  // the bytes travelled with their frame
        seen.ts.push_back(ts);
        seen.interface.push_back(f.interface);
        return true;
    };
}

// Polls until `want` frames came out or 5 s passed.
void poll_until(MergedSource &m, Seen &seen, std::size_t want, const FrameHandler &h)
{
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (seen.ts.size() < want && std::chrono::steady_clock::now() < give_up)
        REQUIRE(m.poll(20, h).ok());
}

Result<std::unique_ptr<MergedSource>> started(std::unique_ptr<MergedSource> m)
{
    if (auto st = m->start(); !st)
        return st.error();
    return m;
}

// Polls until a source has made `n` loans or `within` has passed; returns how many it made.
std::size_t poll_until_loans(MergedSource &m, const std::atomic<std::size_t> &loans, std::size_t n,
                             std::chrono::milliseconds within, const FrameHandler &h)
{
    const auto give_up = std::chrono::steady_clock::now() + within;
    while (loans < n && std::chrono::steady_clock::now() < give_up)
        REQUIRE(m.poll(5, h).ok());
    return loans;
}

// Lane 0 is `lender`; lane 1 never has a frame, so the reorder window holds
// every frame of lane 0 for as long as it lasts.
Result<std::unique_ptr<MergedSource>> beside_a_quiet_lane(std::unique_ptr<CaptureSource> lender,
                                                          const MergeOptions &o)
{
    std::vector<std::unique_ptr<CaptureSource>> sources;
    sources.push_back(std::move(lender));
    sources.push_back(std::make_unique<ScriptedSource>(std::vector<ScriptedSource::Item>{}));
    return started(MergedSource::create(std::move(sources), o));
}

MergeOptions small_batches(std::uint64_t window_ns)
{
    MergeOptions o;
    o.window_ns = window_ns;
    o.thread.max_batches = 4;  // far fewer than the frames need: batches must be recycled
    o.thread.batch_frames = 64;
    o.thread.poll_timeout_ms = 5;
    return o;
}

}  // namespace

TEST_CASE("four threads' frames come out once each, in timestamp order")
{
    // Timestamps of now, as a live capture has: a thread that has not
    // published yet holds the others back for the window.
    const std::uint64_t base = realtime_ns();
    std::vector<std::unique_ptr<CaptureSource>> sources;
    for (std::uint64_t lane = 0; lane < 4; ++lane) {
        std::vector<ScriptedSource::Item> items;
        for (std::uint64_t i = 0; i < 3000; ++i)
            items.push_back({0, base + (i * 4 + lane) * 1000});
        sources.push_back(std::make_unique<ScriptedSource>(std::move(items)));
    }
    auto m = started(MergedSource::create(std::move(sources), small_batches(2'000'000'000)));
    REQUIRE(m.ok());
    Seen seen;
    const auto h = recorder(seen);
    poll_until(*m.value(), seen, 12000, h);
    m.value()->stop_and_drain(h);
    REQUIRE(seen.ts.size() == 12000);
    CHECK(std::is_sorted(seen.ts.begin(), seen.ts.end()));
    CHECK(std::adjacent_find(seen.ts.begin(), seen.ts.end()) == seen.ts.end());
    CHECK(m.value()->late_frames() == 0);
    for (std::size_t lane = 0; lane < 4; ++lane) {
        CHECK(m.value()->delivered_by(lane) == 3000);
        CHECK(std::count(seen.interface.begin(), seen.interface.end(), lane) == 3000);
    }
    const auto c = m.value()->counters();
    REQUIRE(c.ok());
    CHECK(c->received == 12000);
    CHECK(c->dropped == 4);
    CHECK(c->if_received == 1000);  // the interface's counters, not four times them
}

TEST_CASE("lent frames are read before their loan goes back, and every loan goes back once")
{
    // Four blocks per thread, 2000 frames each: the blocks go round ten
    // times, so the merge must give loans back while it runs.
    const std::uint64_t base = realtime_ns();
    std::vector<LendingSource *> lenders;
    std::vector<std::unique_ptr<CaptureSource>> sources;
    for (std::uint64_t lane = 0; lane < 2; ++lane) {
        auto s = std::make_unique<LendingSource>(base + lane * 1000, 2000, 2000);
        lenders.push_back(s.get());
        sources.push_back(std::move(s));
    }
    MergeOptions o = small_batches(2'000'000'000);
    o.thread.max_batches = 8;  // more than the blocks: the blocks, not the batches, run out
    auto m = started(MergedSource::create(std::move(sources), o));
    REQUIRE(m.ok());
    Seen seen;
    const auto h = recorder(seen);  // checks each frame's bytes: overwritten once given back
    poll_until(*m.value(), seen, 4000, h);
    m.value()->stop_and_drain(h);
    REQUIRE(seen.ts.size() == 4000);
    CHECK(std::is_sorted(seen.ts.begin(), seen.ts.end()));
    for (const LendingSource *l : lenders) {
        CHECK(l->loans == 2000 / LendingSource::per_block);
        CHECK(l->bad_give_backs == 0);
        // What the writer still held when the thread stopped is not given
        // back; everything else is.
        CHECK(l->given_back >= l->loans - LendingSource::blocks);
        CHECK(l->given_back <= l->loans);
    }
}

TEST_CASE("lent frames held for the window are copied, so the lending ring goes on")
{
    // Lane 0 lends its four blocks; lane 1 is quiet, so the window holds all
    // of lane 0's frames. Unless we copy them and give the blocks back, lane
    // 0 stops after four blocks, as a kernel ring does at a block on loan.
    const std::uint64_t base = realtime_ns();
    auto lender = std::make_unique<LendingSource>(base, 1000, 1000);
    LendingSource *l = lender.get();
    MergeOptions o = small_batches(10'000'000'000ULL);
    o.thread.max_batches = 32;
    auto m = beside_a_quiet_lane(std::move(lender), o);
    REQUIRE(m.ok());
    Seen seen;
    const auto h = recorder(seen);  // the copies must hold the bytes: a block given back is overwritten
    constexpr std::size_t all = 1000 / LendingSource::per_block;
    CHECK(poll_until_loans(*m.value(), l->loans, all, std::chrono::seconds(5), h) == all);
    CHECK(seen.ts.empty());  // still held: the quiet thread might have older ones
    m.value()->stop_and_drain(h);
    REQUIRE(seen.ts.size() == 1000);
    CHECK(std::is_sorted(seen.ts.begin(), seen.ts.end()));
    CHECK(l->bad_give_backs == 0);
}

TEST_CASE("a thread whose newest block is on loan wakes when the next block retires")
{
    // Lane 1 is quiet, so the window holds lane 0's first block, on loan.
    // Lane 0's thread cannot sleep in poll() then (a ring's socket polls
    // ready while its newest block is ours); it must still see block 1 as
    // soon as it retires, not after its poll timeout.
    auto lender = std::make_unique<RetiringSource>(realtime_ns());
    RetiringSource *l = lender.get();
    MergeOptions o = small_batches(60'000'000'000ULL);
    o.thread.poll_timeout_ms = 4000;
    auto m = beside_a_quiet_lane(std::move(lender), o);
    REQUIRE(m.ok());
    Seen seen;
    const auto h = recorder(seen);
    using std::chrono::milliseconds;
    REQUIRE(poll_until_loans(*m.value(), l->loans, 1, milliseconds(2000), h) == 1);
    // Let the thread settle into its wait for the loan.
    std::this_thread::sleep_for(milliseconds(100));
    l->retire();
    CHECK(poll_until_loans(*m.value(), l->loans, 2, milliseconds(2000), h) == 2);
    CHECK(seen.ts.empty());  // still held for the window
    m.value()->stop_and_drain(h);
    CHECK(seen.ts.size() == l->loans);
}

TEST_CASE("a quiet thread holds newer frames back for the reorder window")
{
    const std::uint64_t t0 = monotonic_ns();
    const std::uint64_t r0 = realtime_ns();
    // Lane 0's frame is newer but arrives first; lane 1's older one arrives
    // 80 ms later, as a frame would from a ring block that retired late.
    auto make = [&] {
        std::vector<std::unique_ptr<CaptureSource>> s;
        s.push_back(std::make_unique<ScriptedSource>(std::vector<ScriptedSource::Item>{{t0, r0 + 20'000'000}}));
        s.push_back(
            std::make_unique<ScriptedSource>(std::vector<ScriptedSource::Item>{{t0 + 80'000'000, r0 + 10'000'000}}));
        return s;
    };
    // Merges the two with this window: the timestamps in the order written, and how many came late.
    auto merge = [&](std::uint64_t window_ns) {
        auto m = started(MergedSource::create(make(), small_batches(window_ns)));
        REQUIRE(m.ok());
        Seen seen;
        poll_until(*m.value(), seen, 2, recorder(seen));
        return std::make_pair(seen.ts, m.value()->late_frames());
    };
    SECTION("a window longer than the delay puts them in order")
    {
        const auto [ts, late] = merge(500'000'000);
        CHECK(ts == std::vector<std::uint64_t>{r0 + 10'000'000, r0 + 20'000'000});
        CHECK(late == 0);
    }
    SECTION("a window shorter than the delay writes the late frame anyway, and counts it")
    {
        const auto [ts, late] = merge(1'000'000);
        CHECK(ts == std::vector<std::uint64_t>{r0 + 20'000'000, r0 + 10'000'000});
        CHECK(late == 1);
    }
}

TEST_CASE("stopping hands over the frames still held for the window")
{
    const std::uint64_t now = realtime_ns();
    std::vector<std::unique_ptr<CaptureSource>> sources;
    std::vector<ScriptedSource::Item> items;
    for (std::uint64_t i = 0; i < 500; ++i)
        items.push_back({0, now + i});
    sources.push_back(std::make_unique<ScriptedSource>(std::move(items)));
    sources.push_back(std::make_unique<ScriptedSource>(std::vector<ScriptedSource::Item>{}));  // quiet
    MergeOptions o = small_batches(10'000'000'000ULL);
    o.thread.max_batches = 16;  // all 500 frames fit while the window holds them
    auto m = started(MergedSource::create(std::move(sources), o));
    REQUIRE(m.ok());
    Seen seen;
    const auto h = recorder(seen);
    for (int i = 0; i < 5; ++i)
        REQUIRE(m.value()->poll(10, h).ok());
    CHECK(seen.ts.empty());  // held: the quiet thread might still have older ones
    m.value()->stop_and_drain(h);
    CHECK(seen.ts.size() == 500);
    CHECK(std::is_sorted(seen.ts.begin(), seen.ts.end()));
}

TEST_CASE("unordered merging hands every frame over as batches come")
{
    const std::uint64_t now = realtime_ns();
    std::vector<std::unique_ptr<CaptureSource>> sources;
    for (int lane = 0; lane < 3; ++lane) {
        std::vector<ScriptedSource::Item> items;
        for (std::uint64_t i = 0; i < 1000; ++i)
            items.push_back({0, now + i});
        sources.push_back(std::make_unique<ScriptedSource>(std::move(items)));
    }
    sources.push_back(std::make_unique<ScriptedSource>(std::vector<ScriptedSource::Item>{}));
    MergeOptions o = small_batches(10'000'000'000ULL);
    o.ordered = false;
    auto m = started(MergedSource::create(std::move(sources), o));
    REQUIRE(m.ok());
    Seen seen;
    poll_until(*m.value(), seen, 3000, recorder(seen));  // no waiting on the quiet thread
    CHECK(seen.ts.size() == 3000);
}

TEST_CASE("a failing thread's error comes after its frames")
{
    std::vector<ScriptedSource::Item> items;
    for (std::uint64_t i = 0; i < 300; ++i)
        items.push_back({0, 1000 + i});
    std::vector<std::unique_ptr<CaptureSource>> sources;
    sources.push_back(std::make_unique<ScriptedSource>(std::move(items), 200));
    auto m = started(MergedSource::create(std::move(sources), small_batches(1'000'000)));
    REQUIRE(m.ok());
    Seen seen;
    const auto h = recorder(seen);
    std::optional<Error> failed;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!failed && std::chrono::steady_clock::now() < give_up) {
        auto r = m.value()->poll(10, h);
        if (!r)
            failed = r.error();
    }
    REQUIRE(failed);
    CHECK(failed->code == ENETDOWN);
    CHECK(seen.ts.size() == 200);
}
