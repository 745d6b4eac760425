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
    // Opens with nanosecond timestamps whatever the file's resolution.
    static Result<FileReader> open(const std::string &path);

    // The next frame into out (valid until the next call): true, or false at
    // the clean end of the file. A damaged file is an error naming the file
    // and the number of the first frame that could not be read.
    Result<bool> next(Frame &out);

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
};

}  // namespace netring
