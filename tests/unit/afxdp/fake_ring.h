// SPDX-License-Identifier: GPL-2.0-or-later
// A ring over plain memory whose kernel side the test plays by hand.
#pragma once

#include <array>
#include <cstdint>

#include "netring/afxdp/ring.h"

template <typename Desc, std::uint32_t N>
struct FakeRing {
    alignas(64) std::uint32_t producer = 0;
    alignas(64) std::uint32_t consumer = 0;
    std::uint32_t flags = 0;
    std::array<Desc, N> descs{};

    FakeRing(std::uint32_t prod, std::uint32_t cons) : producer(prod), consumer(cons) {}
    netring::xdp::RingView view() { return {&producer, &consumer, &flags, descs.data(), N}; }
    Desc &at(std::uint32_t index) { return descs[index & (N - 1)]; }

    // The kernel as producer (RX, Completion): writes n values and publishes them.
    void kernel_produce(std::uint32_t n, std::uint64_t first_value)
    {
        for (std::uint32_t i = 0; i < n; ++i)
            set(at(producer + i), first_value + i);
        producer += n;
    }
    // The kernel as consumer (Fill, TX): takes n slots.
    void kernel_consume(std::uint32_t n) { consumer += n; }

    static void set(std::uint64_t &slot, std::uint64_t v) { slot = v; }
    static void set(xdp_desc &slot, std::uint64_t v) { slot = xdp_desc{v, static_cast<std::uint32_t>(v), 0}; }
};
