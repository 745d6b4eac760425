// SPDX-License-Identifier: GPL-2.0-or-later
// pcap_open_offline() and pcap_next_ex() with errors that say where.
#include "netring/pcap/file_reader.h"

#include <cerrno>
#include <cstdio>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace netring {

namespace {

// The size of a regular file (standard input's for "-"), or -1 for a pipe,
// a FIFO or anything else whose size says nothing of what it will give.
off_t regular_size(const std::string &path)
{
    struct stat st {};
    const int rc = path == "-" ? ::fstat(STDIN_FILENO, &st) : ::stat(path.c_str(), &st);
    return rc == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
}

}  // namespace

Result<FileReader> FileReader::open(const std::string &path)
{
    char err[PCAP_ERRBUF_SIZE] = {};
    errno = 0;
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
    if (p == nullptr) {
        const int saved = errno;
        // libpcap reports a missing or unreadable file with errno set; a
        // file that is not a capture with errno left at 0.
        if (saved == ENOENT || saved == EACCES || saved == EISDIR)
            return Error::sys(saved, fmt::format("cannot read {}", path));
        // libpcap calls these a truncated dump file: true, but 0 bytes (a
        // capture never written to; a pipe has no size, so there libpcap's
        // words for its first read tell) is better called empty, and neither
        // is "not a pcap file" when the bytes there begin like one.
        const off_t size = regular_size(path);
        if (size == 0 || std::string_view(err).ends_with(" 4 file header bytes, only got 0"))
            return Error::explained(ENODATA,
                                    fmt::format("{} is empty (0 bytes)", path == "-" ? "standard input" : path));
        if (std::string_view(err).starts_with("truncated"))
            return Error::logic(fmt::format("{}: cut short in its file header{}: not a whole pcap or pcapng file",
                                            path, size > 0 ? fmt::format(" ({} bytes)", size) : ""));
        return Error::logic(fmt::format("{}: not a pcap or pcapng file ({})", path, err));
    }
    return FileReader(std::unique_ptr<pcap_t, Closer>(p), path);
}

Result<bool> FileReader::next(Frame &out)
{
    if (unread_) {
        unread_ = false;
        out = last_;
        return true;
    }
    pcap_pkthdr *h = nullptr;
    const u_char *data = nullptr;
    const int rc = pcap_next_ex(handle_.get(), &h, &data);
    if (rc == PCAP_ERROR_BREAK)
        return false;
    if (rc != 1)
        return Error::logic(fmt::format("{}: damaged at frame {}: {}", path_, frames_ + 1,
                                        pcap_geterr(handle_.get())));
    ++frames_;
    out = Frame{};
    out.data = data;
    out.caplen = h->caplen;
    out.wirelen = h->len;
    // With nanosecond precision libpcap puts nanoseconds in tv_usec.
    out.ts_ns = static_cast<std::uint64_t>(h->ts.tv_sec) * 1'000'000'000ULL + static_cast<std::uint64_t>(h->ts.tv_usec);
    last_ = out;
    return true;
}

bool FileReader::rereadable() const
{
    std::FILE *f = pcap_file(handle_.get());
    struct stat st {};
    return f != nullptr && ::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode) && path_ != "-";
}

std::string FileReader::linktype_name() const
{
    const int dlt = linktype();
    const char *name = pcap_datalink_val_to_name(dlt);
    const char *desc = pcap_datalink_val_to_description(dlt);
    if (name == nullptr)
        return fmt::format("link type {}", dlt);
    return fmt::format("{} ({})", name, desc != nullptr ? desc : "?");
}

}  // namespace netring
