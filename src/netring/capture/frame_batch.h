// SPDX-License-Identifier: GPL-2.0-or-later
// FrameBatch: frames that cross from a capture thread to the writer, copied into one buffer or lent by the source.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "netring/capture/source.h"
#include "netring/pcap/frame.h"

namespace netring {

// The writer reads a batch from its head(), one pop() at a time. A batch of
// copies holds Frames and their bytes. A lent batch holds a unit of the
// source's memory (a ring block) and reads its frames there as it goes, so
// that the capture thread never touches them: the frames are read once, by
// the writer, as a single-threaded capture reads them.
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
            bytes_.reset(new std::uint8_t[capacity_]);  // a lent batch never needs it
        std::memcpy(bytes_.get() + used_, f.data, f.caplen);
        Frame &copy = frames_.emplace_back(f);
        copy.data = bytes_.get() + used_;
        copy.interface = interface;
        used_ += f.caplen;
        return true;
    }

    // Holds loan `loan` of the source, whose frames `frames` reads; the batch
    // must go back to the thread that lends before the source may reuse them.
    void lend(std::uint32_t loan, LentFrames &frames, std::uint32_t interface)
    {
        loan_ = loan;
        lent_ = &frames;
        interface_ = interface;
    }
    [[nodiscard]] std::optional<std::uint32_t> loan() const { return loan_; }
    [[nodiscard]] LentFrames *lent() const { return lent_; }

    // Reader side, once the batch has crossed to it: start() once, then
    // head() is the next frame (nullptr when all are read) until pop().
    void start()
    {
        if (lent_ != nullptr) {
            read_lent();
        } else {
            at_ = frames_.data();
            end_ = at_ + frames_.size();
        }
    }
    [[nodiscard]] const Frame *head() const { return at_ != end_ ? at_ : nullptr; }
    void pop()
    {
        if (++at_ == end_ && lent_ != nullptr)
            read_lent();
    }

    void clear()
    {
        frames_.clear();
        used_ = 0;
        loan_.reset();
        lent_ = nullptr;
        at_ = end_ = nullptr;
    }

    // Nothing appended or lent.
    [[nodiscard]] bool empty() const { return frames_.empty() && lent_ == nullptr; }
    // Bytes of copied frames in the batch.
    [[nodiscard]] std::size_t bytes() const { return used_; }

private:
    void read_lent()
    {
        const std::size_t n = lent_->read(chunk_.data(), chunk_.size());
        for (std::size_t i = 0; i < n; ++i)
            chunk_[i].interface = interface_;
        at_ = chunk_.data();
        end_ = at_ + n;
    }

    std::unique_ptr<std::uint8_t[]> bytes_;
    std::size_t capacity_;
    std::size_t used_ = 0;
    std::size_t max_frames_;
    std::vector<Frame> frames_;
    std::optional<std::uint32_t> loan_;
    LentFrames *lent_ = nullptr;
    std::uint32_t interface_ = 0;       // of lent_'s frames
    std::array<Frame, 64> chunk_;       // lent_'s frames, as read
    const Frame *at_ = nullptr;         // the head, in frames_ or chunk_
    const Frame *end_ = nullptr;
};

}  // namespace netring
