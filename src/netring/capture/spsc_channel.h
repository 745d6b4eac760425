// SPDX-License-Identifier: GPL-2.0-or-later
// SpscChannel: a fixed-size single-producer/single-consumer queue of pointers between two threads.
//
// Capture threads hand whole batches of frames to the writer through one of
// these and get them back through another, so the only synchronisation is one
// acquire load and one release store per batch, never a lock per frame.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <new>
#include <vector>

namespace netring {

template <typename T>
class SpscChannel {
public:
    // Room for at least `capacity` items (rounded up to a power of two).
    explicit SpscChannel(std::size_t capacity) : slots_(std::bit_ceil(capacity < 2 ? 2 : capacity)) {}
    SpscChannel(const SpscChannel &) = delete;
    SpscChannel &operator=(const SpscChannel &) = delete;

    // Producer side. false when full.
    bool push(T *item)
    {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);  // only we write it
        // Acquire: the consumer is done with the slot it released before we reuse it.
        if (tail - head_.load(std::memory_order_acquire) == slots_.size())
            return false;
        slots_[tail & (slots_.size() - 1)] = item;
        // Release: the item (and everything it points to) is visible before the index.
        tail_.store(tail + 1, std::memory_order_release);
        return true;
    }

    // Consumer side. nullptr when empty.
    T *pop()
    {
        const std::size_t head = head_.load(std::memory_order_relaxed);  // only we write it
        // Acquire: pairs with push()'s release, so the item's contents are visible.
        if (head == tail_.load(std::memory_order_acquire))
            return nullptr;
        T *item = slots_[head & (slots_.size() - 1)];
        // Release: our read of the slot happens before the producer may overwrite it.
        head_.store(head + 1, std::memory_order_release);
        return item;
    }

    [[nodiscard]] bool empty() const
    {
        return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
    }

private:
    std::vector<T *> slots_;
    // On separate cache lines: each is written by one thread and only read by the other.
    alignas(64) std::atomic<std::size_t> head_{0};
    alignas(64) std::atomic<std::size_t> tail_{0};
};

}  // namespace netring
