// SPDX-License-Identifier: GPL-2.0-or-later
// FileReader: frames of a pcap or pcapng file, through libpcap.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <pcap/pcap.h>

#include "netring/base/result.h"
#include "netring/pcap/frame.h"

namespace netring {

class FileReader {
public:
    // Opens with nanosecond timestamps whatever the file's resolution. A
    // missing or unreadable file keeps its errno; a 0-byte one is ENODATA
    // ("F is empty (0 bytes)"); one cut short in its header, or that is no
    // capture at all, says so.
    static Result<FileReader> open(const std::string &path);

    // The next frame into out (valid until the next call): true, or false at
    // the clean end of the file. A damaged file is an error naming the file
    // and the number of the first frame that could not be read.
    Result<bool> next(Frame &out);
    // Makes the next call to next() return the frame it returned last once
    // more (libpcap's buffer still holds it): a check may look at the first
    // frame of a pipe, which cannot be opened and read again.
    void unread() { unread_ = true; }
    // Whether the input can be opened and read again from the start: a
    // regular file, not a pipe, FIFO, terminal or standard input ('-') on one.
    [[nodiscard]] bool rereadable() const;

    [[nodiscard]] int linktype() const { return pcap_datalink(handle_.get()); }
    // "EN10MB (Ethernet)", or the number when libpcap does not know it.
    [[nodiscard]] std::string linktype_name() const;
    [[nodiscard]] const std::string &path() const { return path_; }
    [[nodiscard]] std::uint64_t frames_read() const { return frames_; }

private:
    struct Closer {
        void operator()(pcap_t *p) const { pcap_close(p); }
    };
    FileReader(std::unique_ptr<pcap_t, Closer> handle, std::string path)
        : handle_(std::move(handle)), path_(std::move(path))
    {
    }

    std::unique_ptr<pcap_t, Closer> handle_;
    std::string path_;
    std::uint64_t frames_ = 0;
    Frame last_;
    bool unread_ = false;
};

}  // namespace netring
