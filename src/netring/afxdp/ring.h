// SPDX-License-Identifier: GPL-2.0-or-later
// Single-producer/single-consumer AF_XDP rings and the tokens that alone reach their slots.
//
// A ring is four words and an array in memory shared with the kernel: producer
// and consumer indices (free-running u32, wrapping at 2^32), a flags word and
// size descriptors. User space is the producer of the Fill and TX rings and the
// consumer of the RX and Completion rings.
//
// Access goes through tokens: peek(n) on a consumer ring returns a token for at
// most n filled slots, reserve(n) on a producer ring one for at most n free slots.
// Only a token reaches descriptors, only within its own count, and release() or
// submit() consume it (the token is moved in and left empty). A ring has at most
// one token outstanding, so a token dropped without release/submit can be rolled
// back: its slots are simply offered again by the next peek/reserve.
//
// The shared indices are touched at most once per peek/reserve (refreshing the
// cached copy only when it cannot satisfy the request) and once per
// release/submit. A ring does not own its memory; RingView says where it is, so
// tests can run a ring over plain memory.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <utility>

#include "netring/afxdp/abi.h"

namespace netring::xdp {

struct RingView {
    std::uint32_t *producer = nullptr;
    std::uint32_t *consumer = nullptr;
    std::uint32_t *flags = nullptr;  // may be null (no need-wakeup flag)
    void *descs = nullptr;
    std::uint32_t size = 0;  // a power of two
};

constexpr bool is_power_of_two(std::uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

namespace detail {

// Indexing a token outside its count is a programming error, not a runtime
// condition, and the library does not throw: stop before touching memory.
[[noreturn]] inline void ring_contract_violation(const char *what)
{
    std::fputs("netring: AF_XDP ring misuse: ", stderr);
    std::fputs(what, stderr);
    std::fputc('\n', stderr);
    std::abort();
}

inline std::uint32_t load_acquire(std::uint32_t *word)
{
    return std::atomic_ref<std::uint32_t>(*word).load(std::memory_order_acquire);
}
inline std::uint32_t load_relaxed(std::uint32_t *word)
{
    return std::atomic_ref<std::uint32_t>(*word).load(std::memory_order_relaxed);
}
inline void store_release(std::uint32_t *word, std::uint32_t value)
{
    std::atomic_ref<std::uint32_t>(*word).store(value, std::memory_order_release);
}

// Index-based iterator over a token's slots; Slot is Desc or const Desc.
template <typename Slot, typename Ring>
class SlotIterator {
public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::remove_const_t<Slot>;
    using difference_type = std::ptrdiff_t;
    using pointer = Slot *;
    using reference = Slot &;

    SlotIterator() = default;
    SlotIterator(Ring *ring, std::uint32_t index) : ring_(ring), index_(index) {}
    reference operator*() const { return ring_->slot(index_); }
    pointer operator->() const { return &ring_->slot(index_); }
    SlotIterator &operator++()
    {
        ++index_;
        return *this;
    }
    SlotIterator operator++(int)
    {
        SlotIterator old = *this;
        ++index_;
        return old;
    }
    bool operator==(const SlotIterator &other) const { return index_ == other.index_; }

private:
    Ring *ring_ = nullptr;
    std::uint32_t index_ = 0;  // free-running ring index; wraps like the ring's own
};

// What both ring kinds share: the view, the mask, the one-token rule.
template <typename Desc>
class RingBase {
public:
    RingBase() = default;
    explicit RingBase(const RingView &view) : view_(view), mask_(view.size - 1) {}
    RingBase(const RingBase &) = delete;
    RingBase &operator=(const RingBase &) = delete;
    RingBase(RingBase &&other) noexcept { *this = std::move(other); }
    RingBase &operator=(RingBase &&other) noexcept
    {
        // Tokens point at their ring: moving a ring under one would leave it dangling.
        if (outstanding_ || other.outstanding_)
            ring_contract_violation("ring moved while a token is outstanding");
        view_ = std::exchange(other.view_, RingView{});
        mask_ = std::exchange(other.mask_, 0);
        cached_prod_ = other.cached_prod_;
        cached_cons_ = other.cached_cons_;
        return *this;
    }
    ~RingBase() = default;

    [[nodiscard]] std::uint32_t size() const { return view_.size; }
    [[nodiscard]] bool valid() const { return view_.descs != nullptr; }
    [[nodiscard]] bool token_outstanding() const { return outstanding_; }

protected:
    // Only tokens index slots (through operator[], at() and their iterators).
    Desc &slot(std::uint32_t index) { return static_cast<Desc *>(view_.descs)[index & mask_]; }

    RingView view_{};
    std::uint32_t mask_ = 0;
    std::uint32_t cached_prod_ = 0;
    std::uint32_t cached_cons_ = 0;
    bool outstanding_ = false;
};

}  // namespace detail

// ---------------------------------------------------------------------------------------
// A ring whose producer is the kernel: RX (xdp_desc) and Completion (u64 address).
template <typename Desc>
class ConsumerRing : public detail::RingBase<Desc> {
    using Base = detail::RingBase<Desc>;
    friend class detail::SlotIterator<const Desc, ConsumerRing>;

public:
    // Filled slots [first, first + count), readable until released.
    class Token {
    public:
        using const_iterator = detail::SlotIterator<const Desc, ConsumerRing>;

        Token() = default;
        Token(const Token &) = delete;
        Token &operator=(const Token &) = delete;
        Token(Token &&other) noexcept
            : ring_(std::exchange(other.ring_, nullptr)), first_(other.first_),
              count_(std::exchange(other.count_, 0))
        {
        }
        Token &operator=(Token &&other) noexcept
        {
            if (this != &other) {
                abandon();
                ring_ = std::exchange(other.ring_, nullptr);
                first_ = other.first_;
                count_ = std::exchange(other.count_, 0);
            }
            return *this;
        }
        ~Token() { abandon(); }

        [[nodiscard]] std::uint32_t size() const { return count_; }
        [[nodiscard]] bool empty() const { return count_ == 0; }
        // nullptr outside [0, size()).
        [[nodiscard]] const Desc *at(std::size_t i) const
        {
            return i < count_ ? &ring_->slot(first_ + static_cast<std::uint32_t>(i)) : nullptr;
        }
        const Desc &operator[](std::size_t i) const
        {
            if (i >= count_)
                detail::ring_contract_violation("read past the end of a peeked token");
            return ring_->slot(first_ + static_cast<std::uint32_t>(i));
        }
        [[nodiscard]] const_iterator begin() const { return {ring_, first_}; }
        [[nodiscard]] const_iterator end() const { return {ring_, first_ + count_}; }

    private:
        friend class ConsumerRing;
        Token(ConsumerRing *ring, std::uint32_t first, std::uint32_t count)
            : ring_(ring), first_(first), count_(count)
        {
        }
        // Not released: the slots stay in the ring and the next peek offers them again.
        void abandon()
        {
            if (ring_ != nullptr)
                ring_->give_back(*this, 0);
            ring_ = nullptr;
            count_ = 0;
        }

        ConsumerRing *ring_ = nullptr;
        std::uint32_t first_ = 0;
        std::uint32_t count_ = 0;
    };

    ConsumerRing() = default;
    explicit ConsumerRing(const RingView &view) : Base(view)
    {
        // Relaxed for our own index; acquire for the kernel's, like every later read.
        this->cached_cons_ = detail::load_relaxed(view.consumer);
        this->cached_prod_ = detail::load_acquire(view.producer);
    }

    // Filled slots, at most max; reads the shared producer index only when the
    // cached one shows fewer than max.
    std::uint32_t available(std::uint32_t max)
    {
        std::uint32_t entries = this->cached_prod_ - this->cached_cons_;
        if (entries < max) {
            // Acquire: the kernel wrote the descriptors before it published this
            // index (release); our later reads of them must not move before this load.
            this->cached_prod_ = detail::load_acquire(this->view_.producer);
            entries = this->cached_prod_ - this->cached_cons_;
        }
        return std::min(entries, max);
    }

    // A token for at most n filled slots; empty when none, or while another
    // token of this ring is outstanding.
    Token peek(std::uint32_t n)
    {
        if (this->outstanding_ || !this->valid())
            return {};
        const std::uint32_t count = available(n);
        if (count == 0)
            return {};
        Token token(this, this->cached_cons_, count);
        this->cached_cons_ += count;
        this->outstanding_ = true;
        return token;
    }

    // Hands the first `used` slots back to the kernel (all when used >= size());
    // the rest are offered again by the next peek. Returns how many were released.
    std::uint32_t release(Token &&token, std::uint32_t used)
    {
        if (token.ring_ != this)
            return 0;
        const std::uint32_t n = give_back(token, used);
        token.ring_ = nullptr;
        token.count_ = 0;
        return n;
    }
    std::uint32_t release(Token &&token) { return release(std::move(token), token.size()); }

private:
    std::uint32_t give_back(const Token &token, std::uint32_t used)
    {
        used = std::min(used, token.count_);
        this->cached_cons_ -= token.count_ - used;  // unread slots go back to the cache
        this->outstanding_ = false;
        if (used != 0) {
            // Release: our reads of the descriptors (and of the frames they point
            // to) complete before the kernel can see these slots as free to reuse.
            detail::store_release(this->view_.consumer, this->cached_cons_);
        }
        return used;
    }
};

// ---------------------------------------------------------------------------------------
// A ring whose consumer is the kernel: Fill (u64 address) and TX (xdp_desc).
template <typename Desc>
class ProducerRing : public detail::RingBase<Desc> {
    using Base = detail::RingBase<Desc>;
    friend class detail::SlotIterator<Desc, ProducerRing>;

public:
    // Free slots [first, first + count), writable until submitted.
    class Token {
    public:
        using iterator = detail::SlotIterator<Desc, ProducerRing>;

        Token() = default;
        Token(const Token &) = delete;
        Token &operator=(const Token &) = delete;
        Token(Token &&other) noexcept
            : ring_(std::exchange(other.ring_, nullptr)), first_(other.first_),
              count_(std::exchange(other.count_, 0))
        {
        }
        Token &operator=(Token &&other) noexcept
        {
            if (this != &other) {
                abandon();
                ring_ = std::exchange(other.ring_, nullptr);
                first_ = other.first_;
                count_ = std::exchange(other.count_, 0);
            }
            return *this;
        }
        ~Token() { abandon(); }

        [[nodiscard]] std::uint32_t size() const { return count_; }
        [[nodiscard]] bool empty() const { return count_ == 0; }
        // nullptr outside [0, size()).
        [[nodiscard]] Desc *at(std::size_t i) const
        {
            return i < count_ ? &ring_->slot(first_ + static_cast<std::uint32_t>(i)) : nullptr;
        }
        Desc &operator[](std::size_t i) const
        {
            if (i >= count_)
                detail::ring_contract_violation("write past the end of a reserved token");
            return ring_->slot(first_ + static_cast<std::uint32_t>(i));
        }
        [[nodiscard]] iterator begin() const { return {ring_, first_}; }
        [[nodiscard]] iterator end() const { return {ring_, first_ + count_}; }

    private:
        friend class ProducerRing;
        Token(ProducerRing *ring, std::uint32_t first, std::uint32_t count)
            : ring_(ring), first_(first), count_(count)
        {
        }
        // Not submitted: the slots were never published and are reserved afresh next time.
        void abandon()
        {
            if (ring_ != nullptr)
                ring_->publish(*this, 0);
            ring_ = nullptr;
            count_ = 0;
        }

        ProducerRing *ring_ = nullptr;
        std::uint32_t first_ = 0;
        std::uint32_t count_ = 0;
    };

    ProducerRing() = default;
    explicit ProducerRing(const RingView &view) : Base(view)
    {
        this->cached_prod_ = detail::load_relaxed(view.producer);
        // cached_cons_ is kept one ring ahead of the consumer, so that
        // cached_cons_ - cached_prod_ is the number of free slots.
        this->cached_cons_ = detail::load_acquire(view.consumer) + view.size;
    }

    // Free slots, at most max; reads the shared consumer index only when the
    // cached one shows fewer than max.
    std::uint32_t free_slots(std::uint32_t max)
    {
        std::uint32_t free = this->cached_cons_ - this->cached_prod_;
        if (free < max) {
            // Acquire: the kernel finished reading the slots it consumed before it
            // published this index; our writes into them must not move before it.
            this->cached_cons_ = detail::load_acquire(this->view_.consumer) + this->view_.size;
            free = this->cached_cons_ - this->cached_prod_;
        }
        return std::min(free, max);
    }

    // A token for at most n free slots; empty when none, or while another token
    // of this ring is outstanding.
    Token reserve(std::uint32_t n)
    {
        if (this->outstanding_ || !this->valid())
            return {};
        const std::uint32_t count = free_slots(n);
        if (count == 0)
            return {};
        Token token(this, this->cached_prod_, count);
        this->cached_prod_ += count;
        this->outstanding_ = true;
        return token;
    }

    // Publishes the first `used` slots (all when used >= size()) to the kernel;
    // the rest are returned unwritten. Returns how many were published.
    std::uint32_t submit(Token &&token, std::uint32_t used)
    {
        if (token.ring_ != this)
            return 0;
        const std::uint32_t n = publish(token, used);
        token.ring_ = nullptr;
        token.count_ = 0;
        return n;
    }
    std::uint32_t submit(Token &&token) { return submit(std::move(token), token.size()); }

    // The kernel asks to be woken (poll/recvfrom for Fill, sendto for TX).
    [[nodiscard]] bool needs_wakeup() const
    {
        // Relaxed: a hint re-read on every batch; a stale value costs one extra
        // or one late syscall, never correctness.
        return this->view_.flags != nullptr &&
               (detail::load_relaxed(this->view_.flags) & ring_need_wakeup) != 0;
    }

    // Slots published and not yet consumed by the kernel (reads its index now).
    std::uint32_t in_flight()
    {
        return this->cached_prod_ - detail::load_acquire(this->view_.consumer);
    }

private:
    std::uint32_t publish(const Token &token, std::uint32_t used)
    {
        used = std::min(used, token.count_);
        this->cached_prod_ -= token.count_ - used;  // unwritten slots are not published
        this->outstanding_ = false;
        if (used != 0) {
            // Release: the descriptors written into these slots are visible to the
            // kernel before the index that hands them over.
            detail::store_release(this->view_.producer, this->cached_prod_);
        }
        return used;
    }
};

}  // namespace netring::xdp
