// The wasi_snapshot_preview1 functions that are neither about files nor
// sockets: arguments and environment, clocks, random bytes, poll_oneoff,
// proc_raise, sched_yield.
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "wasi/wasi_state.h"

namespace heron::wasi {
namespace {

// args_get/environ_get: the pointer array at `ptrs`, the NUL-terminated
// strings packed at `buf`, as args_sizes_get/environ_sizes_get sized them.
Errno write_strings(const GuestMemory& mem,
                    const std::vector<std::string>& strings, uint32_t ptrs,
                    uint32_t buf) {
  uint64_t size = 0;
  for (const std::string& s : strings) size += s.size() + 1;
  if (!mem.in_bounds(ptrs, uint64_t(strings.size()) * 4) ||
      !mem.in_bounds(buf, size))
    return Errno::fault;
  uint32_t at = buf;
  for (size_t i = 0; i < strings.size(); ++i) {
    mem.store(uint32_t(ptrs + i * 4), at);
    mem.write(at, strings[i].c_str(), strings[i].size() + 1);
    at += uint32_t(strings[i].size() + 1);
  }
  return Errno::success;
}

Errno write_sizes(const GuestMemory& mem,
                  const std::vector<std::string>& strings, uint32_t count_ptr,
                  uint32_t size_ptr) {
  uint64_t size = 0;
  for (const std::string& s : strings) size += s.size() + 1;
  if (size > UINT32_MAX) return Errno::toobig;
  if (!mem.store(count_ptr, uint32_t(strings.size())) ||
      !mem.store(size_ptr, uint32_t(size)))
    return Errno::fault;
  return Errno::success;
}

// WASI clock ids 0..3 are realtime, monotonic, process and thread CPU time.
bool host_clock(uint32_t id, clockid_t* out) {
  static constexpr clockid_t kClocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC,
                                          CLOCK_PROCESS_CPUTIME_ID,
                                          CLOCK_THREAD_CPUTIME_ID};
  if (id >= std::size(kClocks)) return false;
  *out = kClocks[id];
  return true;
}

uint64_t now_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

}  // namespace

Errno args_get(WasiState& s, const GuestMemory& mem,
               std::span<const api::Val> a) {
  return write_strings(mem, s.args, arg32(a, 0), arg32(a, 1));
}

Errno args_sizes_get(WasiState& s, const GuestMemory& mem,
                     std::span<const api::Val> a) {
  return write_sizes(mem, s.args, arg32(a, 0), arg32(a, 1));
}

Errno environ_get(WasiState& s, const GuestMemory& mem,
                  std::span<const api::Val> a) {
  return write_strings(mem, s.env, arg32(a, 0), arg32(a, 1));
}

Errno environ_sizes_get(WasiState& s, const GuestMemory& mem,
                        std::span<const api::Val> a) {
  return write_sizes(mem, s.env, arg32(a, 0), arg32(a, 1));
}

Errno clock_res_get(WasiState&, const GuestMemory& mem,
                    std::span<const api::Val> a) {
  clockid_t clock;
  if (!host_clock(arg32(a, 0), &clock)) return Errno::inval;
  timespec ts{};
  if (clock_getres(clock, &ts) != 0) return last_errno();
  const uint64_t ns = uint64_t(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
  return mem.store(arg32(a, 1), ns) ? Errno::success : Errno::fault;
}

Errno clock_time_get(WasiState&, const GuestMemory& mem,
                     std::span<const api::Val> a) {
  clockid_t clock;
  if (!host_clock(arg32(a, 0), &clock)) return Errno::inval;
  // The precision argument is a hint; the host clock is always at least
  // as precise as asked.
  return mem.store(arg32(a, 2), now_ns(clock)) ? Errno::success : Errno::fault;
}

Errno random_get(WasiState&, const GuestMemory& mem,
                 std::span<const api::Val> a) {
  uint8_t* buf = mem.span(arg32(a, 0), arg32(a, 1));
  if (buf == nullptr) return Errno::fault;
  size_t left = arg32(a, 1);
  while (left > 0) {
    const ssize_t n = getrandom(buf, left, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_errno();
    }
    buf += n;
    left -= size_t(n);
  }
  return Errno::success;
}

// subscription (48 bytes): userdata u64 @0, tag u8 @8, then the union at
// @16: clock {id u32 @16, timeout u64 @24, precision u64 @32, flags u16
// @40} or fd_readwrite {fd u32 @16}.
// event (32 bytes): userdata u64 @0, error u16 @8, type u8 @10,
// fd_readwrite {nbytes u64 @16, flags u16 @24}.
//
// Clocks are waited for on CLOCK_MONOTONIC (an absolute realtime deadline
// becomes the time left until it); a CPU-time clock cannot be waited for
// (the guest blocked here consumes none), so its subscription is answered
// at once with `notsup`, as is any other bad subscription. Descriptors
// are polled even then, without waiting, so that the answer holds every
// event that is ready, like POSIX poll's.
Errno poll_oneoff(WasiState& s, const GuestMemory& mem,
                  std::span<const api::Val> a) {
  const uint32_t in = arg32(a, 0), out = arg32(a, 1), n = arg32(a, 2);
  const uint32_t nevents_ptr = arg32(a, 3);
  if (n == 0) return Errno::inval;  // would block forever
  if (!mem.in_bounds(in, uint64_t(n) * 48) ||
      !mem.in_bounds(out, uint64_t(n) * 32) || !mem.in_bounds(nevents_ptr, 4))
    return Errno::fault;

  struct Event {
    uint64_t userdata;
    uint16_t error;
    uint8_t type;
    uint64_t nbytes = 0;
    uint16_t flags = 0;
  };
  constexpr uint16_t kHangup = 1;  // eventrwflags.fd_readwrite_hangup
  std::vector<Event> events;
  std::vector<pollfd> pollfds;
  std::vector<uint32_t> poll_sub;  // subscription index of each pollfd
  // The earliest clock deadline, in CLOCK_MONOTONIC nanoseconds.
  std::optional<uint64_t> deadline;
  std::vector<std::pair<uint32_t, uint64_t>> clocks;  // sub index, deadline

  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t sub = in + i * 48;
    uint64_t userdata = 0;
    uint8_t tag = 0;
    mem.load(sub, &userdata);
    mem.load(sub + 8, &tag);
    if (tag == 0) {  // clock
      uint32_t id = 0;
      uint64_t timeout = 0;
      uint16_t flags = 0;
      mem.load(sub + 16, &id);
      mem.load(sub + 24, &timeout);
      mem.load(sub + 40, &flags);
      clockid_t clock;
      if (!host_clock(id, &clock)) {
        events.push_back({userdata, uint16_t(Errno::inval), 0});
        continue;
      }
      if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) {
        events.push_back({userdata, uint16_t(Errno::notsup), 0});
        continue;
      }
      uint64_t rel = timeout;
      if (flags & 1) {  // subscription_clock_abstime
        const uint64_t now = now_ns(clock);
        rel = timeout > now ? timeout - now : 0;
      }
      const uint64_t mono = now_ns(CLOCK_MONOTONIC);
      const uint64_t when = rel > UINT64_MAX - mono ? UINT64_MAX : mono + rel;
      clocks.emplace_back(i, when);
      if (!deadline || when < *deadline) deadline = when;
    } else if (tag == 1 || tag == 2) {  // fd_read, fd_write
      uint32_t fd = 0;
      mem.load(sub + 16, &fd);
      FdEntry* e = nullptr;
      if (Errno r = s.lookup(fd, right::poll_fd_readwrite, &e);
          r != Errno::success) {
        events.push_back({userdata, uint16_t(r), tag});
        continue;
      }
      pollfds.push_back(
          pollfd{e->host_fd, short(tag == 1 ? POLLIN : POLLOUT), 0});
      poll_sub.push_back(i);
    } else {
      events.push_back({userdata, uint16_t(Errno::inval), tag});
    }
  }

  // With errors to report already, only look (a zero timeout).
  const bool wait = events.empty();
  for (;;) {
    timespec ts{};
    timespec* tsp = &ts;
    if (wait && deadline) {
      const uint64_t now = now_ns(CLOCK_MONOTONIC);
      const uint64_t left = *deadline > now ? *deadline - now : 0;
      ts.tv_sec = time_t(std::min<uint64_t>(left / 1000000000ull, INT_MAX));
      ts.tv_nsec = long(left % 1000000000ull);
    } else if (wait) {
      tsp = nullptr;  // descriptors only: until one is ready
    }
    const int r = ppoll(pollfds.data(), pollfds.size(), tsp, nullptr);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return last_errno();
    if (r > 0 || !wait || !deadline || now_ns(CLOCK_MONOTONIC) >= *deadline)
      break;
  }
  for (size_t k = 0; k < pollfds.size(); ++k) {
    const short revents = pollfds[k].revents;
    if (revents == 0) continue;
    const uint32_t sub = in + poll_sub[k] * 48;
    Event ev{0, 0, 0};
    mem.load(sub, &ev.userdata);
    mem.load(sub + 8, &ev.type);
    if (revents & POLLNVAL) {
      ev.error = uint16_t(Errno::badf);
    } else if (ev.type == 2 && (revents & (POLLERR | POLLHUP))) {
      ev.error = uint16_t(Errno::pipe);  // no reader left
    } else if (ev.type == 1 && (revents & POLLERR) && !(revents & POLLIN)) {
      ev.error = uint16_t(Errno::io);
    } else {
      // Readable (possibly at end of file: the hangup) or writable.
      if (revents & POLLHUP) ev.flags = kHangup;
      int avail = 0;
      if (ev.type == 1 && ioctl(pollfds[k].fd, FIONREAD, &avail) != 0)
        avail = 0;
      ev.nbytes = uint64_t(std::max(avail, 0));
    }
    events.push_back(ev);
  }
  const uint64_t now = now_ns(CLOCK_MONOTONIC);
  for (const auto& [index, when] : clocks) {
    if (now < when) continue;
    uint64_t userdata = 0;
    mem.load(in + index * 48, &userdata);
    events.push_back({userdata, 0, 0});
  }
  uint32_t count = 0;
  for (const Event& ev : events) {
    if (count == n) break;
    uint8_t buf[32] = {};
    std::memcpy(buf, &ev.userdata, 8);
    std::memcpy(buf + 8, &ev.error, 2);
    buf[10] = ev.type;
    std::memcpy(buf + 16, &ev.nbytes, 8);
    std::memcpy(buf + 24, &ev.flags, 2);
    mem.write(out + count * 32, buf, sizeof buf);
    ++count;
  }
  mem.store(nevents_ptr, count);
  return Errno::success;
}

// Raising a signal in the guest has no meaning in a wasm sandbox (the
// call is deprecated in preview1).
Errno proc_raise(WasiState&, const GuestMemory&, std::span<const api::Val>) {
  return Errno::nosys;
}

Errno sched_yield(WasiState&, const GuestMemory&, std::span<const api::Val>) {
  ::sched_yield();
  return Errno::success;
}

}  // namespace heron::wasi
