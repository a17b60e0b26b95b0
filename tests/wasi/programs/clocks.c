// Clocks and sleeping through wasi-libc (clock_time_get, clock_res_get and
// poll_oneoff underneath): the monotonic clock never goes back and advances
// across a sleep by at least the time slept, the realtime clock, time() and
// gettimeofday agree on a plausible date, the CPU-time clocks measure
// computation and not sleep, and sleeping on a CPU-time clock fails with an
// errno rather than hanging. Prints one "ok"/"FAIL" line per check, the
// same natively; clocks.expected holds them.
#include <poll.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static int64_t ns_of(clockid_t clock) {
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static char detail[256];

#define MS 1000000ll
// An upper bound for a short sleep on a busy 2-core machine: generous, but
// still far from "never woke up" or "slept in seconds, not milliseconds".
#define SANE_NS (2000 * MS)

static volatile uint64_t sink;

// Computes until `clock` advanced by `amount` ns (or 5 s of wall time).
static int64_t spin(clockid_t clock, int64_t amount) {
  const int64_t start = ns_of(clock), wall = ns_of(CLOCK_MONOTONIC);
  int64_t now = start;
  while (now - start < amount && ns_of(CLOCK_MONOTONIC) - wall < 5000 * MS) {
    for (int i = 0; i < 10000; ++i) sink = sink * 31 + (uint64_t)i;
    now = ns_of(clock);
  }
  return now - start;
}

static void sleep_check(const char* what, int64_t want_ns, int64_t elapsed) {
  snprintf(detail, sizeof detail, "elapsed %lld ns, want >= %lld",
           (long long)elapsed, (long long)want_ns);
  check(elapsed >= want_ns && elapsed < SANE_NS, what, detail);
}

int main(void) {
  // Monotonic: non-decreasing over many reads, and moving.
  int64_t first = ns_of(CLOCK_MONOTONIC), prev = first, backwards = 0;
  for (int i = 0; i < 200000; ++i) {
    const int64_t t = ns_of(CLOCK_MONOTONIC);
    if (t < prev) ++backwards;
    prev = t;
  }
  snprintf(detail, sizeof detail, "%lld steps back", (long long)backwards);
  check(first > 0 && backwards == 0, "monotonic never decreases", detail);
  check(prev > first, "monotonic advances", NULL);

  // nanosleep (poll_oneoff on a relative clock).
  int64_t t0 = ns_of(CLOCK_MONOTONIC);
  struct timespec req = {0, 20 * MS}, rem = {9, 9};
  int r = nanosleep(&req, &rem);
  sleep_check("nanosleep 20ms", 20 * MS, ns_of(CLOCK_MONOTONIC) - t0);
  check(r == 0, "nanosleep returns 0", result_of(r));
  t0 = ns_of(CLOCK_MONOTONIC);
  usleep(15000);
  sleep_check("usleep 15ms", 15 * MS, ns_of(CLOCK_MONOTONIC) - t0);
  req.tv_sec = 0;
  req.tv_nsec = 1000000000;
  errno = 0;
  r = nanosleep(&req, NULL);
  check(r == -1 && errno == EINVAL, "nanosleep tv_nsec=1e9 is EINVAL",
        result_of(r));

  // clock_nanosleep to an absolute time, on both clocks; a time already
  // past returns at once.
  struct timespec target;
  clock_gettime(CLOCK_REALTIME, &target);
  target.tv_nsec += 30 * MS;
  if (target.tv_nsec >= 1000000000) {
    target.tv_nsec -= 1000000000;
    ++target.tv_sec;
  }
  t0 = ns_of(CLOCK_MONOTONIC);
  r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &target, NULL);
  const int64_t after = ns_of(CLOCK_REALTIME);
  check(r == 0 && after >= (int64_t)target.tv_sec * 1000000000 + target.tv_nsec,
        "clock_nanosleep realtime absolute reaches its target", errname(r));
  sleep_check("clock_nanosleep realtime absolute 30ms", 29 * MS,
              ns_of(CLOCK_MONOTONIC) - t0);
  clock_gettime(CLOCK_MONOTONIC, &target);
  target.tv_sec -= 1;
  t0 = ns_of(CLOCK_MONOTONIC);
  r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, NULL);
  check(r == 0 && ns_of(CLOCK_MONOTONIC) - t0 < 500 * MS,
        "clock_nanosleep to a past time returns at once", errname(r));

  // poll with no descriptors: a plain timeout.
  t0 = ns_of(CLOCK_MONOTONIC);
  r = poll(NULL, 0, 25);
  check(r == 0, "poll(no fds, 25ms) returns 0", result_of(r));
  sleep_check("poll(no fds, 25ms) waits", 25 * MS, ns_of(CLOCK_MONOTONIC) - t0);

  // Resolutions: positive, at most a millisecond.
  struct timespec res;
  r = clock_getres(CLOCK_MONOTONIC, &res);
  check(r == 0 && res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= MS,
        "clock_getres monotonic", result_of(r));
  r = clock_getres(CLOCK_REALTIME, &res);
  check(r == 0 && res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= MS,
        "clock_getres realtime", result_of(r));
  r = clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res);
  check(r == 0 && res.tv_sec == 0 && res.tv_nsec > 0,
        "clock_getres process cputime", result_of(r));

  // Realtime: a date between 2023 and 2100, and time()/gettimeofday agree.
  const int64_t real = ns_of(CLOCK_REALTIME);
  check(real > 1700000000ll * 1000000000 && real < 4102444800ll * 1000000000,
        "realtime is a plausible date", NULL);
  const time_t now = time(NULL);
  check(llabs((long long)now - real / 1000000000) <= 2,
        "time() agrees with CLOCK_REALTIME", NULL);
  struct timeval tv;
  r = gettimeofday(&tv, NULL);
  check(r == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000 &&
            llabs((long long)tv.tv_sec - (long long)now) <= 2,
        "gettimeofday agrees with time()", result_of(r));

  // CPU time: advances while computing, hardly while sleeping.
  int64_t cpu = spin(CLOCK_PROCESS_CPUTIME_ID, 20 * MS);
  snprintf(detail, sizeof detail, "advanced %lld ns", (long long)cpu);
  check(cpu >= 20 * MS, "process cputime advances while computing", detail);
  cpu = spin(CLOCK_THREAD_CPUTIME_ID, 10 * MS);
  snprintf(detail, sizeof detail, "advanced %lld ns", (long long)cpu);
  check(cpu >= 10 * MS, "thread cputime advances while computing", detail);
  const int64_t cpu0 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
  req.tv_sec = 0;
  req.tv_nsec = 100 * MS;
  nanosleep(&req, NULL);
  cpu = ns_of(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
  snprintf(detail, sizeof detail, "used %lld ns", (long long)cpu);
  check(cpu >= 0 && cpu < 50 * MS, "sleeping uses little cputime", detail);
  const clock_t c0 = clock();
  spin(CLOCK_PROCESS_CPUTIME_ID, 20 * MS);
  const clock_t c1 = clock();
  snprintf(detail, sizeof detail, "clock() %ld -> %ld", (long)c0, (long)c1);
  check(c0 >= 0 && c1 - c0 >= CLOCKS_PER_SEC / 100, "clock() advances", detail);

#ifdef __wasi__
  // Waiting for a CPU-time clock while blocked could never end: the WASI
  // host refuses the subscription and wasi-libc reports ENOTSUP. (Linux
  // refuses the thread clock with EINVAL and would wait forever on the
  // process one, so this is checked in wasm only.)
  req.tv_sec = 0;
  req.tv_nsec = 1 * MS;
  r = clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &req, NULL);
  check(r == ENOTSUP, "sleeping on a cputime clock is refused", errname(r));
#else
  check(1, "sleeping on a cputime clock is refused", NULL);
#endif
  return done();
}
