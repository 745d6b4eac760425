// SPDX-License-Identifier: GPL-2.0-or-later
// FrameBatch: frames that cross from a capture thread to the writer, copied into one buffer or lent by the source.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "netring/pcap/frame.h"

namespace netring {

class FrameBatch {
public:
    // Twice the largest snap length (256 KiB), so an empty batch takes any frame.
    static constexpr std::size_t default_bytes = std::size_t{512} << 10;
    static constexpr std::size_t default_frames = 8192;

    explicit FrameBatch(std::size_t bytes = default_bytes, std::size_t frames = default_frames)
        : capacity_(bytes), max_frames_(frames)
    {
        frames_.reserve(frames);
    }

    // Copies the frame in; false (and nothing copied) when it does not fit.
    bool append(const Frame &f, std::uint32_t interface)
    {
        if (frames_.size() == max_frames_ || capacity_ - used_ < f.caplen)
            return false;
        if (!bytes_) [[unlikely]]
            bytes_.reset(new std::uint8_t[capacity_]);  // a batch of lent frames never needs it
        std::memcpy(bytes_.get() + used_, f.data, f.caplen);
        Frame &copy = frames_.emplace_back(f);
        copy.data = bytes_.get() + used_;
        copy.interface = interface;
        used_ += f.caplen;
        return true;
    }

    // Keeps the frame's own bytes, which belong to the source's loan. A
    // batch of lent frames holds one loan's worth, however many that is.
    void append_lent(const Frame &f, std::uint32_t interface) { frames_.emplace_back(f).interface = interface; }
    // The loan that the lent frames' bytes belong to; the batch must go back
    // to the thread that lends before the source may reuse them.
    void hold(std::uint32_t loan) { loan_ = loan; }
    [[nodiscard]] std::optional<std::uint32_t> loan() const { return loan_; }

    void clear()
    {
        frames_.clear();
        used_ = 0;
        loan_.reset();
    }

    [[nodiscard]] bool empty() const { return frames_.empty(); }
    [[nodiscard]] std::size_t size() const { return frames_.size(); }
    // Bytes of copied frames in the batch.
    [[nodiscard]] std::size_t bytes() const { return used_; }
    [[nodiscard]] const Frame &operator[](std::size_t i) const { return frames_[i]; }
    [[nodiscard]] const Frame *begin() const { return frames_.data(); }
    [[nodiscard]] const Frame *end() const { return frames_.data() + frames_.size(); }

private:
    std::unique_ptr<std::uint8_t[]> bytes_;
    std::size_t capacity_;
    std::size_t used_ = 0;
    std::size_t max_frames_;
    std::vector<Frame> frames_;
    std::optional<std::uint32_t> loan_;
};

}  // namespace netring
