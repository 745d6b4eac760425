// SPDX-License-Identifier: GPL-2.0-or-later
// AF_XDP socket setup (rings, bind, options) and its RX/TX data path.
#include "netring/afxdp/xsk_socket.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "netring/base/interface.h"

namespace netring::xdp {

// ---- batches ------------------------------------------------------------------------

TxBatch::TxBatch(TxBatch &&other) noexcept
    : token_(std::move(other.token_)), socket_(std::exchange(other.socket_, nullptr)),
      used_(std::exchange(other.used_, 0))
{
}

TxBatch &TxBatch::operator=(TxBatch &&other) noexcept
{
    if (this != &other) {
        drop_frames();
        token_ = std::move(other.token_);
        socket_ = std::exchange(other.socket_, nullptr);
        used_ = std::exchange(other.used_, 0);
    }
    return *this;
}

TxBatch::~TxBatch() { drop_frames(); }

void TxBatch::drop_frames()
{
    // Unsent frames' chunks go back; the token itself then returns its slots unpublished.
    for (std::uint32_t i = 0; i < used_; ++i)
        (void)socket_->frames_.free(token_[i].addr - socket_->tx_offset_);
    used_ = 0;
}

bool TxBatch::push(std::span<const std::uint8_t> frame)
{
    if (socket_ == nullptr || used_ >= token_.size())
        return false;
    if (frame.size() > socket_->frames_.chunk_size() - socket_->tx_offset_)
        return false;
    const auto chunk = socket_->frames_.allocate();
    if (!chunk)
        return false;
    const std::uint64_t addr = *chunk + socket_->tx_offset_;
    std::memcpy(socket_->umem_->data() + addr, frame.data(), frame.size());
    token_[used_] = xdp_desc{addr, static_cast<std::uint32_t>(frame.size()), 0};
    ++used_;
    return true;
}

std::span<std::uint8_t> TxBatch::emplace(std::uint32_t len)
{
    if (socket_ == nullptr || used_ >= token_.size() || len == 0)
        return {};
    if (len > socket_->frames_.chunk_size() - socket_->tx_offset_)
        return {};
    const auto chunk = socket_->frames_.allocate();
    if (!chunk)
        return {};
    const std::uint64_t addr = *chunk + socket_->tx_offset_;
    token_[used_] = xdp_desc{addr, len, 0};
    ++used_;
    return {socket_->umem_->data() + addr, len};
}

bool TxBatch::push_placed(std::uint64_t addr, std::uint32_t len)
{
    if (socket_ == nullptr || used_ >= token_.size() || len == 0)
        return false;
    const std::uint64_t chunk_size = socket_->frames_.chunk_size();
    const std::uint64_t chunk = addr & ~(chunk_size - 1);
    if (addr < socket_->placed_first_ || addr >= socket_->placed_end_ ||
        addr - chunk < socket_->tx_offset_ || addr - chunk + len > chunk_size)
        return false;
    token_[used_] = xdp_desc{addr, len, 0};
    ++used_;
    return true;
}

// ---- socket -------------------------------------------------------------------------

XskSocket::~XskSocket()
{
    if (owns_registration_)
        umem_->owner_closed();
}

Result<XdpStatistics> XskSocket::statistics() const
{
    xdp_statistics raw{};
    socklen_t len = sizeof(raw);
    if (::getsockopt(fd_.get(), SOL_XDP, opt_statistics, &raw, &len) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("XDP_STATISTICS of {} queue {}", ifname_, queue_));
    }
    // Kernels before 5.9 fill only the first three counters (len tells); the
    // rest stay zero.
    XdpStatistics s;
    s.rx_dropped = raw.rx_dropped;
    s.rx_invalid_descs = raw.rx_invalid_descs;
    s.tx_invalid_descs = raw.tx_invalid_descs;
    s.rx_ring_full = raw.rx_ring_full;
    s.rx_fill_ring_empty_descs = raw.rx_fill_ring_empty_descs;
    s.tx_ring_empty_descs = raw.tx_ring_empty_descs;
    return s;
}

Result<bool> XskSocket::query_zero_copy() const
{
    xdp_options opts{};
    socklen_t len = sizeof(opts);
    if (::getsockopt(fd_.get(), SOL_XDP, opt_options, &opts, &len) < 0) {
        const int err = errno;
        return Error::sys(err, fmt::format("XDP_OPTIONS of {} queue {}", ifname_, queue_));
    }
    return (opts.flags & options_zero_copy) != 0;
}

std::uint32_t XskSocket::refill()
{
    const std::uint32_t wanted = frames_.available();
    if (wanted == 0 || !fill_.valid())
        return 0;
    auto token = fill_.reserve(wanted);
    std::uint32_t n = 0;
    for (std::uint64_t &slot : token) {
        const auto chunk = frames_.allocate();
        if (!chunk)
            break;
        slot = *chunk;
        ++n;
    }
    return fill_.submit(std::move(token), n);
}

RxBatch XskSocket::receive(std::uint32_t max)
{
    RxBatch batch;
    batch.token_ = rx_.peek(max);
    batch.socket_ = this;
    return batch;
}

std::uint32_t XskSocket::recycle(RxBatch &&batch, std::uint32_t used)
{
    if (batch.socket_ != this)
        return 0;
    used = std::min(used, batch.size());
    // The chunks go straight back to the Fill ring (see FrameAllocator::unhand).
    auto fill = fill_.reserve(used);
    std::uint32_t filled = 0;
    for (std::uint32_t i = 0; i < used; ++i) {
        const xdp_desc &d = batch.token_[i];
        std::uint64_t chunk = 0;
        const AddrCheck check = frames_.unhand(d.addr, d.len, chunk);
        if (check == AddrCheck::ok && filled < fill.size()) {
            fill[filled++] = chunk;
        } else if (check == AddrCheck::ok) {
            frames_.rehand(chunk);
            frames_.free(chunk);
        } else {
            // Never reuse such a chunk; say so now and then, not per frame.
            ++rejected_;
            if (std::has_single_bit(rejected_))
                spdlog::warn("AF_XDP {} queue {}: dropped RX descriptor ({} so far): {}", ifname_, queue_,
                             rejected_, frames_.explain(d.addr, check));
        }
    }
    for (std::uint32_t i = 0; i < filled; ++i)
        frames_.rehand(fill[i]);
    fill_.submit(std::move(fill), filled);
    const std::uint32_t n = rx_.release(std::move(batch.token_), used);
    batch.socket_ = nullptr;
    refill();
    return n;
}

int XskSocket::pending_error() const
{
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return errno;
    return err;
}

Result<bool> XskSocket::wait_readable(int timeout_ms)
{
    pollfd pfd{fd_.get(), POLLIN, 0};
    const int rc = ::poll(&pfd, 1, timeout_ms);
    if (rc < 0) {
        const int err = errno;
        if (err == EINTR)
            return false;
        return Error::sys(err, fmt::format("poll AF_XDP socket on {} queue {}", ifname_, queue_));
    }
    if (rc == 0 || (pfd.revents & POLLIN) == 0) {
        // An unbound socket (its interface went away) never polls readable or in
        // error; its SO_ERROR is the only sign, so look when idle.
        if (const int err = pending_error(); err != 0)
            return Error::sys(err, fmt::format("AF_XDP socket on {} queue {}{}", ifname_, queue_,
                                               err == ENETDOWN ? " (the interface went away)" : ""));
        return false;
    }
    return true;
}

void XskSocket::wake_rx_if_needed()
{
    if (need_wakeup_ && fill_.needs_wakeup())
        (void)::recvfrom(fd_.get(), nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
}

TxBatch XskSocket::prepare_tx(std::uint32_t max)
{
    TxBatch batch;
    batch.socket_ = this;
    batch.token_ = tx_.reserve(std::min(max, frames_.available()));
    return batch;
}

Result<std::uint32_t> XskSocket::send(TxBatch &&batch)
{
    if (batch.socket_ != this)
        return Error::logic("TX batch of another socket");
    const std::uint32_t n = tx_.submit(std::move(batch.token_), batch.used_);
    batch.used_ = 0;
    batch.socket_ = nullptr;
    if (n == 0)
        return n;
    // Copy mode transmits only inside sendto(); the kernel keeps the TX
    // need-wakeup flag set there, so honouring the flag covers both modes.
    if (auto st = wake_tx(); !st)
        return st.error();
    return n;
}

Status XskSocket::wake_tx()
{
    if (!tx_.valid() || (need_wakeup_ && !tx_.needs_wakeup()) || tx_.in_flight() == 0)
        return {};
    if (::sendto(fd_.get(), nullptr, 0, MSG_DONTWAIT, nullptr, 0) < 0) {
        const int err = errno;
        // EAGAIN: the budget of one call ran out or the Completion ring is
        // full; EBUSY/ENOBUFS: the device or skb allocation pushed back. The
        // frames stay in the ring for the next call.
        if (err != EAGAIN && err != EBUSY && err != ENOBUFS && err != EINTR)
            return Error::sys(err, fmt::format("sendto AF_XDP socket on {} queue {}", ifname_, queue_));
    }
    return {};
}

void XskSocket::set_placed(const FrameRange &range)
{
    placed_first_ = range.first_addr;
    placed_end_ = range.first_addr + std::uint64_t{range.count} * frames_.chunk_size();
}

std::uint32_t XskSocket::complete(std::uint32_t max)
{
    auto token = completion_.peek(std::min(max, completion_.size()));
    for (const std::uint64_t addr : token) {
        if (addr >= placed_first_ && addr < placed_end_)
            continue;
        const AddrCheck check = frames_.reclaim(addr);
        if (check != AddrCheck::ok) {
            ++rejected_;
            if (std::has_single_bit(rejected_))
                spdlog::warn("AF_XDP {} queue {}: dropped completion ({} so far): {}", ifname_, queue_, rejected_,
                             frames_.explain(addr, check));
        }
    }
    return completion_.release(std::move(token));
}

// ---- builder ------------------------------------------------------------------------

XskSocketBuilder &XskSocketBuilder::interface(std::string name)
{
    ifname_ = std::move(name);
    return *this;
}
XskSocketBuilder &XskSocketBuilder::queue(std::uint32_t id)
{
    queue_ = id;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::rx_ring(std::uint32_t entries)
{
    rx_entries_ = entries;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::tx_ring(std::uint32_t entries)
{
    tx_entries_ = entries;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::fill_ring(std::uint32_t entries)
{
    fill_entries_ = entries;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::completion_ring(std::uint32_t entries)
{
    completion_entries_ = entries;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::umem(std::shared_ptr<Umem> umem)
{
    umem_ = std::move(umem);
    return *this;
}
XskSocketBuilder &XskSocketBuilder::umem_config(const UmemConfig &config)
{
    umem_config_ = config;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::frames(std::uint32_t count)
{
    frames_ = count;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::copy_mode(CopyMode mode)
{
    copy_mode_ = mode;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::need_wakeup(bool on)
{
    need_wakeup_ = on;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::multi_buffer(bool on)
{
    multi_buffer_ = on;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::busy_poll(const BusyPoll &knobs)
{
    busy_poll_ = knobs;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::max_tx_skb_budget(std::uint32_t budget)
{
    max_tx_skb_budget_ = budget;
    return *this;
}
XskSocketBuilder &XskSocketBuilder::bind_retry(std::chrono::milliseconds total)
{
    bind_retry_ = total;
    return *this;
}

namespace {

Status check_ring_size(std::uint32_t entries, const char *ring, bool required)
{
    if (entries == 0 && !required)
        return {};
    if (!is_power_of_two(entries))
        return Error::sys(EINVAL, fmt::format("{} ring size {} (must be a power of two)", ring, entries));
    return {};
}

Status set_int_option(int fd, int level, int name, int value, const std::string &what)
{
    if (::setsockopt(fd, level, name, &value, sizeof(value)) < 0) {
        const int err = errno;
        return Error::sys(err, what);
    }
    return {};
}

Status set_ring(int fd, int option, std::uint32_t entries, const char *ring)
{
    if (entries == 0)
        return {};
    return set_int_option(fd, SOL_XDP, option, static_cast<int>(entries),
                          fmt::format("set AF_XDP {} ring size to {}", ring, entries));
}

// Maps one ring; the view points into the mapping.
Status map_ring(int fd, const xdp_ring_offset &off, std::uint32_t entries, std::size_t desc_size, long pgoff,
                const char *ring, MappedRegion &map, RingView &view)
{
    if (entries == 0)
        return {};
    auto region = MappedRegion::map(off.desc + entries * desc_size, PROT_READ | PROT_WRITE,
                                    MAP_SHARED | MAP_POPULATE, fd, pgoff, ring);
    if (!region)
        return region.error();
    map = std::move(region.value());
    std::uint8_t *base = map.data();
    view.producer = reinterpret_cast<std::uint32_t *>(base + off.producer);
    view.consumer = reinterpret_cast<std::uint32_t *>(base + off.consumer);
    view.flags = reinterpret_cast<std::uint32_t *>(base + off.flags);
    view.descs = base + off.desc;
    view.size = entries;
    return {};
}

struct BindTarget {
    int fd;
    unsigned ifindex;
    std::uint32_t queue;
    int shared_umem_fd;  // -1 when not sharing
};

// bind(), retried while EBUSY lasts at most `patience`: a socket that was just
// closed on the same queue releases it from a deferred kernel work item.
int bind_with_retry(const BindTarget &t, std::uint16_t flags, std::chrono::milliseconds patience)
{
    sockaddr_xdp sxdp{};
    sxdp.sxdp_family = AF_XDP;
    sxdp.sxdp_flags = flags;
    sxdp.sxdp_ifindex = t.ifindex;
    sxdp.sxdp_queue_id = t.queue;
    if (t.shared_umem_fd >= 0) {
        sxdp.sxdp_flags |= bind_shared_umem;
        sxdp.sxdp_shared_umem_fd = static_cast<std::uint32_t>(t.shared_umem_fd);
    }
    const auto deadline = std::chrono::steady_clock::now() + patience;
    auto delay = std::chrono::milliseconds(5);
    for (;;) {
        if (::bind(t.fd, reinterpret_cast<const sockaddr *>(&sxdp), sizeof(sxdp)) == 0)
            return 0;
        const int err = errno;
        if (err != EBUSY || std::chrono::steady_clock::now() + delay > deadline)
            return err;
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::milliseconds(100));
    }
}

// What a failed bind's message draws on.
struct BindContext {
    const std::string &ifname;
    std::uint32_t queue;
    bool shared;
    std::chrono::milliseconds patience;
};

Error bind_error(int err, const BindContext &c, bool zero_copy)
{
    // A queue past the interface's is not decoded here: the socket's owners
    // (XdpCaptureSource, XdpTxSender) refuse it before bind(), naming the
    // queues there are.
    std::string what = fmt::format("bind AF_XDP socket to {} queue {}", c.ifname, c.queue);
    if (err == EBUSY) {
        what += fmt::format(" (the queue is busy: another AF_XDP socket is bound to it; waited {} ms)",
                            c.patience.count());
    } else if (err == EINVAL && c.shared) {
        what += " (XDP_SHARED_UMEM: a socket on the queue of the UMEM's first socket must not have its own "
                "Fill and Completion rings, one on another queue must)";
    } else if (zero_copy && (err == EOPNOTSUPP || err == EPROTONOSUPPORT)) {
        what += " in zero-copy mode (the driver does not support AF_XDP zero-copy)";
    }
    return Error::sys(err, std::move(what));
}

}  // namespace

Result<std::unique_ptr<XskSocket>> XskSocketBuilder::build() const
{
    auto info = lookup_interface(ifname_);
    if (!info)
        return info.error();
    if (rx_entries_ == 0 && tx_entries_ == 0)
        return Error::sys(EINVAL, "AF_XDP socket with neither an RX nor a TX ring");
    for (const auto &st : {check_ring_size(rx_entries_, "RX", false), check_ring_size(tx_entries_, "TX", false),
                           check_ring_size(fill_entries_, "Fill", true),
                           check_ring_size(completion_entries_, "Completion", true)})
        if (!st)
            return st.error();

    std::shared_ptr<Umem> umem = umem_;
    if (!umem) {
        auto created = Umem::create(umem_config_);
        if (!created)
            return created.error();
        umem = std::move(created.value());
    }
    const auto range = umem->carve(frames_);
    if (!range)
        return Error::sys(ENOMEM, fmt::format("the UMEM has fewer than {} unclaimed frames left", frames_));

    std::unique_ptr<XskSocket> s(new XskSocket());
    s->umem_ = umem;
    s->ifname_ = ifname_;
    s->ifindex_ = info->index;
    s->queue_ = queue_;
    s->need_wakeup_ = need_wakeup_;
    s->tx_offset_ = umem->config().tx_metadata_len;

    int shared_fd = -1;
    s->fd_ = umem->take_fd();
    if (s->fd_.valid()) {
        s->owns_registration_ = true;
    } else {
        shared_fd = umem->owner_fd();
        if (shared_fd < 0)
            return Error::sys(EBADF, "share a UMEM whose first socket has closed");
        s->fd_.reset(::socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0));
        if (!s->fd_.valid()) {
            const int err = errno;
            return Error::sys(err, "open AF_XDP socket").needing(Privilege::raw_socket);
        }
        s->shared_ = true;
    }
    const int fd = s->fd_.get();

    // Every bound socket with its own buffer pool needs both UMEM rings, even
    // when it only receives (the kernel rejects the bind otherwise).
    for (const auto &st : {set_ring(fd, opt_umem_fill_ring, fill_entries_, "Fill"),
                           set_ring(fd, opt_umem_completion_ring, completion_entries_, "Completion"),
                           set_ring(fd, opt_rx_ring, rx_entries_, "RX"), set_ring(fd, opt_tx_ring, tx_entries_, "TX")})
        if (!st)
            return st.error();

    xdp_mmap_offsets off{};
    socklen_t optlen = sizeof(off);
    if (::getsockopt(fd, SOL_XDP, opt_mmap_offsets, &off, &optlen) < 0) {
        const int err = errno;
        return Error::sys(err, "XDP_MMAP_OFFSETS");
    }
    RingView fill, completion, rx, tx;
    for (const auto &st :
         {map_ring(fd, off.fr, fill_entries_, sizeof(std::uint64_t), pgoff_fill_ring, "AF_XDP Fill ring",
                   s->fill_map_, fill),
          map_ring(fd, off.cr, completion_entries_, sizeof(std::uint64_t), pgoff_completion_ring,
                   "AF_XDP Completion ring", s->completion_map_, completion),
          map_ring(fd, off.rx, rx_entries_, sizeof(xdp_desc), pgoff_rx_ring, "AF_XDP RX ring", s->rx_map_, rx),
          map_ring(fd, off.tx, tx_entries_, sizeof(xdp_desc), pgoff_tx_ring, "AF_XDP TX ring", s->tx_map_, tx)})
        if (!st)
            return st.error();

    if (busy_poll_.prefer)
        if (auto st = set_int_option(fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, 1, "SO_PREFER_BUSY_POLL"); !st)
            return st.error();
    if (busy_poll_.usecs > 0)
        if (auto st = set_int_option(fd, SOL_SOCKET, SO_BUSY_POLL, busy_poll_.usecs, "SO_BUSY_POLL"); !st)
            return st.error();
    if (busy_poll_.budget > 0)
        if (auto st = set_int_option(fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, busy_poll_.budget, "SO_BUSY_POLL_BUDGET");
            !st)
            return st.error();

    const BindTarget target{fd, info->index, queue_, shared_fd};
    const std::uint16_t base_flags = need_wakeup_ ? bind_need_wakeup : 0;
    // Kernels before 6.6 refuse XDP_USE_SG with EINVAL: bind again without.
    auto bind_with_sg = [&](std::uint16_t flags) {
        if (!multi_buffer_) {
            return bind_with_retry(target, flags, bind_retry_);
        }
        const int e = bind_with_retry(target, flags | bind_use_sg, bind_retry_);
        s->multi_buffer_ = e == 0;
        return e == EINVAL ? bind_with_retry(target, flags, bind_retry_) : e;
    };
    int err = 0;
    // A socket sharing a UMEM takes copy/zero-copy and need-wakeup from the
    // socket that registered it; the kernel refuses the bind if it names any.
    const CopyMode mode = s->shared_ ? CopyMode::kernel_default : copy_mode_;
    const BindContext context{ifname_, queue_, s->shared_, bind_retry_};
    switch (mode) {
    case CopyMode::copy:
        err = bind_with_sg(base_flags | bind_copy);
        if (err != 0)
            return bind_error(err, context, false);
        break;
    case CopyMode::require_zero_copy:
        err = bind_with_sg(base_flags | bind_zero_copy);
        if (err != 0)
            return bind_error(err, context, true);
        break;
    case CopyMode::prefer_zero_copy:
        err = bind_with_sg(base_flags | bind_zero_copy);
        if (err == EBUSY)
            return bind_error(err, context, true);
        if (err != 0) {
            // A failed bind leaves the socket unbound with its rings intact, so
            // the same socket can bind again in copy mode.
            spdlog::warn("AF_XDP: zero-copy on {} queue {} failed ({}); using copy mode", ifname_, queue_,
                         bind_error(err, context, true).message());
            err = bind_with_sg(base_flags | bind_copy);
            if (err != 0)
                return bind_error(err, context, false);
        }
        break;
    case CopyMode::kernel_default:
        if (s->shared_)
            err = bind_with_retry(target, 0, bind_retry_);
        else
            err = bind_with_sg(base_flags);
        if (err != 0)
            return bind_error(err, context, false);
        break;
    }
    if (s->shared_)
        s->multi_buffer_ = umem->multi_buffer();
    else
        umem->set_multi_buffer(s->multi_buffer_);

    auto zc = s->query_zero_copy();
    if (!zc)
        return zc.error();
    s->zero_copy_ = zc.value();

    if (max_tx_skb_budget_ != 0 && tx_entries_ != 0) {
        const auto budget = static_cast<int>(max_tx_skb_budget_);
        if (::setsockopt(fd, SOL_XDP, opt_max_tx_skb_budget, &budget, sizeof(budget)) < 0) {
            const int e = errno;
            if (e != ENOPROTOOPT)
                return Error::sys(e, fmt::format("XDP_MAX_TX_SKB_BUDGET {} (allowed: 32..{})", max_tx_skb_budget_,
                                                 tx_entries_));
            spdlog::debug("AF_XDP: this kernel has no XDP_MAX_TX_SKB_BUDGET (Linux 6.17); keeping its default");
        }
    }

    s->fill_ = ProducerRing<std::uint64_t>(fill);
    s->completion_ = ConsumerRing<std::uint64_t>(completion);
    if (rx.descs != nullptr)
        s->rx_ = ConsumerRing<xdp_desc>(rx);
    if (tx.descs != nullptr)
        s->tx_ = ProducerRing<xdp_desc>(tx);
    s->frames_ = FrameAllocator(range->first_addr, range->count, umem->config().chunk_size);
    return s;
}

}  // namespace netring::xdp
