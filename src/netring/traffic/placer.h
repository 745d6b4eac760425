// SPDX-License-Identifier: GPL-2.0-or-later
// FramePlacer: the optional ability of a FrameSender to send frames from where they were placed once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace netring {

// Why an extension and not three more virtuals on FrameSender: only a sender
// whose kernel reads frames straight from user memory can use it. An AF_XDP
// socket transmits from its UMEM, so a preloaded file copied into UMEM chunks
// once can be sent any number of times by queueing descriptors, with no copy
// per send. An AF_PACKET TX ring has nothing to gain: its slots are the only
// memory the kernel sends from, so every send copies into one anyway.
// Callers ask for it with dynamic_cast<FramePlacer *>(sender) and keep their
// copying path for senders without it, or when placing runs out of room.
//
// The sender decides how much room there is (it sized its memory when it was
// opened); placing is all or nothing for the caller, which checks
// place_capacity() against its frame count before placing any.
class FramePlacer {
public:
    virtual ~FramePlacer() = default;

    // How many more frames place() accepts; 0 when the sender has no room for placed frames.
    [[nodiscard]] virtual std::size_t place_capacity() const = 0;
    // Copies a frame into a slot of its own, never reused for anything else;
    // its index, or nullopt when there is no room or len exceeds max_frame().
    virtual std::optional<std::uint32_t> place(const std::uint8_t *data, std::uint32_t len) = 0;
    // Queues the first len bytes of placed frame `index` (len at most its
    // placed length), like FrameSender::queue: false when every TX slot is in
    // flight, or for an unknown index or a longer len.
    virtual bool queue_placed(std::uint32_t index, std::uint32_t len) = 0;
};

}  // namespace netring
