// SPDX-License-Identifier: GPL-2.0-or-later
// pcap_dump() into an unbuffered cookie stream that appends to Output.
#include "netring/pcap/pcap_writer.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace netring {

namespace {

// The file header, then records of a 16-byte header and caplen bytes.
std::size_t pcap_record(const std::uint8_t *p, std::uint64_t file_offset, bool &is_frame)
{
    is_frame = file_offset != 0;
    if (!is_frame)
        return sizeof(pcap_file_header);
    std::uint32_t caplen = 0;
    std::memcpy(&caplen, p + 8, 4);
    return 16 + std::size_t{caplen};
}

}  // namespace

ssize_t PcapWriter::cookie_write(void *cookie, const char *buf, size_t size)
{
    auto *self = static_cast<PcapWriter *>(cookie);
    // libpcap writes a record as header then data; both land in the buffer
    // and become one record when write() commits it.
    std::uint8_t *p = self->out_.reserve(self->pending_ + size);
    if (p == nullptr) {
        errno = self->out_.failure() ? self->out_.failure()->code : EIO;
        return -1;
    }
    std::memcpy(p + self->pending_, buf, size);
    self->pending_ += size;
    return static_cast<ssize_t>(size);
}

Result<std::unique_ptr<PcapWriter>> PcapWriter::create(Output out, const InterfaceDescription &iface)
{
    out.set_walker(&pcap_record);
    std::unique_ptr<PcapWriter> w(new PcapWriter(std::move(out)));
    w->nano_ = iface.tsresol != 6;
    w->dead_ = pcap_open_dead_with_tstamp_precision(
        iface.linktype, static_cast<int>(iface.snaplen),
        w->nano_ ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
    if (w->dead_ == nullptr)
        return Error::logic("pcap_open_dead failed");
    cookie_io_functions_t io{};
    io.write = &PcapWriter::cookie_write;
    FILE *stream = ::fopencookie(w.get(), "w", io);
    if (stream == nullptr) {
        const int err = errno;
        return Error::sys(err, "fopencookie");
    }
    ::setvbuf(stream, nullptr, _IONBF, 0);
    w->dumper_ = pcap_dump_fopen(w->dead_, stream);
    if (w->dumper_ == nullptr) {
        ::fclose(stream);
        return Error::logic(fmt::format("pcap_dump_fopen: {}", pcap_geterr(w->dead_)));
    }
    w->out_.commit(std::exchange(w->pending_, 0), false);
    return w;
}

PcapWriter::~PcapWriter()
{
    if (dumper_ != nullptr)
        pcap_dump_close(dumper_);
    if (dead_ != nullptr)
        pcap_close(dead_);
}

Status PcapWriter::write(const Frame &f)
{
    if (dumper_ == nullptr || out_.failure() != nullptr)
        return out_.failure() ? Status(*out_.failure()) : Status(Error::logic("pcap writer used after finish"));
    // Room for the whole record now, so that no flush can fall between the
    // header and the data that libpcap writes separately.
    if (out_.reserve(16 + f.caplen) == nullptr)
        return *out_.failure();
    pcap_pkthdr h{};
    h.ts.tv_sec = static_cast<time_t>(f.ts_ns / 1'000'000'000ULL);
    const std::uint64_t frac = f.ts_ns % 1'000'000'000ULL;
    // With nanosecond precision libpcap stores tv_usec as nanoseconds.
    h.ts.tv_usec = static_cast<suseconds_t>(nano_ ? frac : frac / 1000);
    h.caplen = f.caplen;
    h.len = f.wirelen;
    pcap_dump(reinterpret_cast<u_char *>(dumper_), &h, f.data);
    if (out_.failure() != nullptr) {
        pending_ = 0;
        return *out_.failure();
    }
    out_.commit(std::exchange(pending_, 0), true);
    return {};
}

Status PcapWriter::finish(std::span<const InterfaceCounters>)
{
    if (dumper_ != nullptr) {
        pcap_dump_close(dumper_);  // closes the cookie stream; Output keeps the fd
        dumper_ = nullptr;
    }
    return out_.close();
}

}  // namespace netring
